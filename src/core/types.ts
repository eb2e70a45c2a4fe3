/** The person acting in the back office. The host says who they are; the plugin never trusts the browser. */
export interface Actor {
  id: string;
  email: string;
  isSuperAdmin: boolean;
}

/** What the plugin needs to know about the host's users. */
export interface DirectoryUser {
  id: string;
  email: string;
  isSuperAdmin: boolean;
  /** Null when the user has never signed in: such users cannot be given tokens (seed 002). */
  lastSignInAt: Date | null;
}

export interface UserDirectory {
  findById(id: string): Promise<DirectoryUser | null>;
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
