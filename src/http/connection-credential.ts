/** A global symbol, so that two copies of the package in one process agree. */
const CREDENTIAL = Symbol.for('adminjs-api-access.connection-credential');

/**
 * The Authorization header of the last request a connection made that was admitted, and the key
 * the verifier knows its token by (TokenVerifier.keyOf).
 *
 * An API client on a keep-alive connection sends the same header with every request; computing
 * the key again (checksum, then a SHA-256 through Node's crypto) was the largest single cost of a
 * cached verification, about 5% of a small route's throughput on the bench machine. The key is
 * reused only for a header equal to the remembered one, character for character, so requests of
 * different clients sharing one connection (a reverse proxy's pool) are each verified as their
 * own; and it is only the key: the token's state, expiry, allow-list and scopes are checked on
 * every request as before.
 *
 * The header holds the plaintext token, so the connection keeps it only while the token is
 * admitted: a refused request forgets it, and it goes with the connection when that closes.
 */
class ConnectionCredential {
  constructor(
    public header: string,
    public key: string,
    /** Whose key it is: a host may run two configurations (pepper, token prefix) side by side. */
    public verifier: object,
  ) {}
}

type Connection = { [CREDENTIAL]?: ConnectionCredential | undefined };

/** The key remembered for this header on this connection by this verifier, if it is the one remembered. */
export function rememberedKey(socket: object | null | undefined, header: string, verifier: object): string | undefined {
  const remembered = socket == null ? undefined : (socket as Connection)[CREDENTIAL];
  return remembered !== undefined && remembered.header === header && remembered.verifier === verifier && remembered.key !== '' ? remembered.key : undefined;
}

/** Remembers on the connection the header of a request whose token was admitted. */
export function rememberCredential(socket: object | null | undefined, header: string, key: string, verifier: object): void {
  if (socket == null) return;
  const connection = socket as Connection;
  const remembered = connection[CREDENTIAL];
  if (remembered === undefined) {
    connection[CREDENTIAL] = new ConnectionCredential(header, key, verifier);
  } else {
    remembered.header = header;
    remembered.key = key;
    remembered.verifier = verifier;
  }
}

/** Forgets what the connection remembered: its request was refused. */
export function forgetCredential(socket: object | null | undefined): void {
  const remembered = socket == null ? undefined : (socket as Connection)[CREDENTIAL];
  if (remembered !== undefined) {
    remembered.header = '';
    remembered.key = '';
  }
}
