// A child process for test/integration/security-faults.test.ts: rotates one token over and over
// against a shared database until it is killed. Two loops run at once (the service serialises
// them on the owner's lock row), so that a kill lands inside a rotation's transaction more often.
// After each rotation commits it tells the parent the new secret over IPC (test-only), so that
// the parent knows the secrets that were current; a kill between a commit and the arrival of its
// message (IPC is asynchronous, and both loops may have one in flight) leaves committed rotations
// the parent never heard of, at any kill: the test finds them in the audit chain.
// argv: <database url> <token id> <actor id> <actor email>
import { childApiAccess } from './child-api-access.js';

export type RotateChildMessage = { type: 'ready' } | { type: 'rotated'; secret: string } | { type: 'failed'; error: string };

const [url, tokenId, actorId, actorEmail] = process.argv.slice(2);
if (!url || !tokenId || !actorId || !actorEmail || !process.send) {
  console.error('security-rotate-child: <database url> <token id> <actor id> <actor email>, with an IPC channel');
  process.exit(2);
}
const send = (message: RotateChildMessage) => process.send!(message);
const { apiAccess } = childApiAccess(url);
const actor = { id: actorId, email: actorEmail, isSuperAdmin: true };

async function loop(): Promise<void> {
  for (;;) {
    const { secret } = await apiAccess.service.rotate(actor, tokenId, { graceSeconds: 0 });
    send({ type: 'rotated', secret });
  }
}

send({ type: 'ready' });
Promise.all([loop(), loop()]).catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
});
