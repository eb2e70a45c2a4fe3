/** The person acting in the back office. The host says who they are; the plugin never trusts the browser. */
export interface Actor {
  id: string;
  email: string;
  isSuperAdmin: boolean;
}

/** An actor as host code may give it to the service: the id a string or an integer, made text on the way in. */
export interface ActorInput extends Omit<Actor, 'id'> {
  id: string | number | bigint;
}

/** A user id as a host has it: a string (cuid, uuid) or an integer (autoincrement). */
export type HostUserId = string | number | bigint;

/** What the plugin needs to know about one of the host's users, as the host's `findById` gives it. */
export interface HostUser {
  id: HostUserId;
  email: string;
  isSuperAdmin: boolean;
  /**
   * When the user last signed in; null when never. Only users who have signed in at least once
   * can be given a token by someone else (a token is for a person who exists and uses the back
   * office). Record it in your `authenticate`.
   */
  lastSignInAt: Date | null;
}

/** A host user as the plugin keeps it: the id as a string, checked once where it came in. */
export interface DirectoryUser extends HostUser {
  id: string;
}

export interface UserDirectory {
  /**
   * The user with this id, or null when there is none or they are disabled. The id comes as a
   * string whatever your id type: convert it (`Number(id)` for an Int id) before your query.
   */
  findById(id: string): Promise<HostUser | null>;
}

export type TokenStatus = 'active' | 'expired' | 'disabled';

export interface RoleView {
  id: string;
  name: string;
  description: string;
  scopes: string[];
}

/** A token as every caller outside core sees it: no secret, no hash. */
export interface TokenView {
  id: string;
  name: string;
  description: string;
  type: string;
  status: TokenStatus;
  enabled: boolean;
  expiresAt: Date | null;
  lastFour: string;
  maskedToken: string;
  tags: string[];
  roles: RoleView[];
  scopes: string[];
  allowedIps: string[];
  ownerId: string;
  ownerEmail: string;
  createdById: string;
  createdByEmail: string;
  createdAt: Date;
  updatedAt: Date;
  secretIssuedAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  /** When a rotated-out secret stops working, during a rotation grace period. */
  previousSecretExpiresAt: Date | null;
}

/** The one place a plaintext secret leaves core: shown once, never stored. */
export interface IssuedToken {
  token: TokenView;
  secret: string;
}

/** The time source: `() => new Date()` in production, a test's clock in tests. */
export type Clock = () => Date;

/** Where the plugin reports what a host operator should see (console by default). */
export interface Logger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

export type { RequestLogView } from './request-logs/columns.js';
