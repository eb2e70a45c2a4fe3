import AdminJS, {
  ForbiddenError,
  ValidationError,
  type ActionContext,
  type ActionRequest,
  type ActionResponse,
  type AdminJSOptions,
  type After,
  type Before,
  type LocaleTranslations,
} from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import session from 'express-session';
import { z } from 'zod';
import { adminRequestGuard, prismaResource, stripParams, validateListQuery, type AdminRequestGuardOptions } from 'adminjs-api-access';
import { ADMIN, hashPassword, NO_ACCESS, SUPER_ADMIN, type AdminUsers, type SessionAdmin } from './users.js';

AdminJS.registerAdapter({ Database, Resource });

declare module 'express-session' {
  interface SessionData {
    /** Set by @adminjs/express on sign-in. */
    adminUser?: SessionAdmin;
    redirectTo?: string;
  }
}

export interface AdminSetup {
  admin: AdminJS;
  router: Router;
}

const hidePasswordHash = stripParams(['passwordHash']);
const isSuperAdmin = ({ currentAdmin }: ActionContext) => (currentAdmin as SessionAdmin | undefined)?.role === SUPER_ADMIN;

/**
 * Re-reads the acting admin from the database: the session's role is what it was at sign-in, so
 * an admin demoted since then must not keep managing admin users (and promote themselves back).
 * Only reads: AdminJS runs `before` hooks ahead of isAccessible.
 */
function freshSuperAdmin(users: AdminUsers): Before {
  return async (request: ActionRequest, context: ActionContext) => {
    const id = (context.currentAdmin as SessionAdmin | undefined)?.id;
    const now = id ? await users.findById(id) : null;
    if (!now?.isSuperAdmin) throw new ForbiddenError('Only super admins manage admin users.');
    return request;
  };
}

const NO_CONTROL_CHARS = (v: string) => !/\p{Cc}/u.test(v);
const adminUserFields = {
  email: z
    .string({ error: 'E-mail is required.' })
    .trim()
    .toLowerCase()
    .min(3, 'E-mail is required.')
    .max(254, 'An e-mail address is at most 254 characters.')
    .regex(/^[^\s@<>()"',;]+@[^\s@<>()"',;]+\.[^\s@<>()"',;]+$/, 'Give a valid e-mail address.'),
  name: z
    .string({ error: 'Name is required.' })
    .trim()
    .min(1, 'Name is required.')
    .max(100, 'A name is at most 100 characters.')
    .refine(NO_CONTROL_CHARS, 'A name has no control characters.'),
  role: z.enum([SUPER_ADMIN, ADMIN], { error: `Role is ${SUPER_ADMIN} or ${ADMIN}.` }),
  disabled: z.union([z.boolean(), z.enum(['true', 'false'])], { error: 'Disabled is true or false.' }).transform((v) => v === true || v === 'true'),
  password: z.string({ error: 'Password must be text.' }).min(8, 'A password has at least 8 characters.').max(200, 'A password is at most 200 characters.'),
};
const newAdminUser = z.object({ ...adminUserFields, disabled: adminUserFields.disabled.default(false) });
const editedAdminUser = z.object(adminUserFields).partial();

/**
 * Checks the admin-user form on the server and hashes the password: only e-mail, name, role,
 * disabled and password are taken (never passwordHash or lastSignInAt from the browser), each
 * bad field gets its own error, and a taken e-mail is refused before the database would throw.
 * Runs after freshSuperAdmin, so a refused admin costs no password hashing; only reads.
 */
function adminUserInput(prisma: PrismaClient): Before {
  return async (request: ActionRequest, context: ActionContext) => {
    if (request.method !== 'post') return request;
    const isNew = context.action.name === 'new';
    const raw = request.payload ?? {};
    const given = Object.fromEntries(
      Object.keys(adminUserFields)
        .filter((key) => raw[key] !== undefined && !(key === 'password' && !isNew && raw[key] === ''))
        .map((key) => [key, raw[key]]),
    );
    const parsed = (isNew ? newAdminUser : editedAdminUser).safeParse(given);
    const errors: Record<string, { message: string; type: string }> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= { message: issue.message, type: 'INVALID_INPUT' };
    } else if (parsed.data.email !== undefined) {
      const holder = await prisma.adminUser.findUnique({ where: { email: parsed.data.email }, select: { id: true } });
      if (holder && holder.id !== String(request.params.recordId ?? ''))
        errors.email = { message: 'An admin with this e-mail already exists.', type: 'INVALID_INPUT' };
    }
    if (Object.keys(errors).length > 0 || !parsed.success) {
      const message = Object.entries(errors)
        .map(([field, e]) => `${field}: ${e.message}`)
        .join(' ');
      throw new ValidationError(errors, { message, type: 'INVALID_INPUT' });
    }
    const { password, ...fields } = parsed.data;
    return { ...request, payload: { ...fields, ...(password ? { passwordHash: await hashPassword(password) } : {}) } };
  };
}

/**
 * Takes the password hash out of the record AdminJS loaded, before anything can answer with it:
 * stripParams (an `after` hook) does not run when an action fails, and AdminJS's error answer
 * carries the loaded record. In memory only: updates write the payload, not the record's params.
 */
const forgetPasswordHash: Before = async (request, context) => {
  if (context.record?.params) delete context.record.params.passwordHash;
  return request;
};

/**
 * After an admin user was saved: tells `onSaved` (the API-access plugin's copies of the user's
 * e-mail address on tokens follow it). Only for a POST that stored the record.
 */
function afterSave(onSaved: (userId: string) => Promise<unknown>): After<ActionResponse> {
  return async (response, request) => {
    const record = (response as { record?: { id?: string; errors?: Record<string, unknown> } }).record;
    if (request.method === 'post' && record?.id && Object.keys(record.errors ?? {}).length === 0) await onSaved(record.id);
    return response;
  };
}

/** The example host's own resources: its admin users, manageable by super admins only. */
function adminUserResource(
  prisma: PrismaClient,
  users: AdminUsers,
  onSaved: (userId: string) => Promise<unknown>,
): NonNullable<AdminJSOptions['resources']>[number] {
  const fresh = freshSuperAdmin(users);
  const input = adminUserInput(prisma);
  return {
    resource: prismaResource(prisma, 'AdminUser'),
    options: {
      navigation: { name: 'Back office', icon: 'Users' },
      properties: {
        passwordHash: { isVisible: false },
        password: { type: 'password', isVisible: { list: false, show: false, edit: true, filter: false } },
        role: {
          availableValues: [
            { value: SUPER_ADMIN, label: 'Super admin' },
            { value: 'admin', label: 'Admin' },
          ],
        },
        lastSignInAt: { isVisible: { list: true, show: true, edit: false, filter: true } },
        createdAt: { isVisible: { list: false, show: true, edit: false, filter: true } },
        updatedAt: { isVisible: { list: false, show: true, edit: false, filter: false } },
      },
      actions: {
        list: { isAccessible: isSuperAdmin, before: [fresh, validateListQuery()], after: [hidePasswordHash] },
        show: { isAccessible: isSuperAdmin, before: [forgetPasswordHash, fresh], after: [hidePasswordHash] },
        search: { isAccessible: isSuperAdmin, before: [fresh], after: [hidePasswordHash] },
        new: { isAccessible: isSuperAdmin, before: [fresh, input], after: [hidePasswordHash] },
        edit: { isAccessible: isSuperAdmin, before: [forgetPasswordHash, fresh, input], after: [afterSave(onSaved), hidePasswordHash] },
        delete: { isAccessible: isSuperAdmin, before: [forgetPasswordHash, fresh], after: [hidePasswordHash] },
        bulkDelete: { isAccessible: isSuperAdmin, before: [fresh], after: [hidePasswordHash] },
      },
    },
  };
}

/** A path inside the admin router, as @adminjs/express mounts its login route. */
function routerPath(admin: AdminJS, path: string): string {
  const inner = path.replace(admin.options.rootPath, '');
  return inner.startsWith('/') ? inner : `/${inner}`;
}

/**
 * A new session id on every sign-in attempt that arrives with a stored session, so that an id
 * planted in the browser beforehand (session fixation) never becomes a signed-in session:
 * @adminjs/express signs the admin in on whatever session it finds. Without a stored session
 * there is nothing to replace, and no empty session is stored for a failed attempt.
 */
const newSessionOnSignIn: RequestHandler = (req, _res, next) => {
  if (Object.keys(req.session).every((key) => key === 'cookie')) return next();
  const redirectTo = req.session.redirectTo;
  req.session.regenerate((error) => {
    if (error) return next(error);
    if (redirectTo) req.session.redirectTo = redirectTo;
    next();
  });
};

/**
 * Re-reads the signed-in admin on every request, so that AdminJS's own checks (which read the
 * session) and the navigation follow the database from the next request on: a demoted admin's
 * session gets the new role, a disabled or deleted admin's session keeps no role at all (every
 * action is refused; re-enabled, the admin has their role back).
 */
function freshSession(users: AdminUsers): RequestHandler {
  return (req, _res, next) => {
    const current = req.session?.adminUser;
    if (!current?.id) return next();
    users.sessionAdmin(current.id).then((now) => {
      const fresh = now ?? { ...current, role: NO_ACCESS, title: 'Disabled' };
      if (fresh.role !== current.role || fresh.email !== current.email) req.session.adminUser = fresh;
      next();
    }, next);
  };
}

/** 404 for an API call naming a resource or action that does not exist (AdminJS itself throws a 500). */
function unknownActions(admin: AdminJS): RequestHandler {
  return (req, res, next) => {
    if (!req.session?.adminUser) return next(); // AdminJS sends the visitor to the login page
    const resource = admin.resources.find((r) => r.decorate().id() === req.params.resourceId);
    const action = req.params.action;
    if (resource && action && Object.hasOwn(resource.decorate().actions, action)) return next();
    res.status(404).json({ error: 'not_found', message: 'No such resource or action.' });
  };
}

/**
 * Errors end here, answered without a stack trace: AdminJS's NotFoundError (e.g. a bulk action on
 * ids that do not exist) is a 404, a body that cannot be parsed a 400, anything else a 500,
 * logged by its first line only (Prisma's later lines echo the request's data).
 */
const errorAnswer: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  res.locals.errorAnswered = true;
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotFoundError') return void res.status(404).json({ error: 'not_found', message: 'No such record.' });
  if (name === 'ForbiddenError') return void res.status(403).json({ error: 'forbidden', message: 'You may not do this.' });
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !(req as { express_formidable?: { parsed?: boolean } }).express_formidable?.parsed) {
    return void res.status(400).json({ error: 'bad_request', message: 'The request body could not be read.' });
  }
  const first = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n', 1)[0]!.slice(0, 200);
  console.error(`[example-app] ${req.method} ${req.baseUrl}${req.path} failed: ${first}`);
  res.status(500).json({ error: 'internal_error', message: 'Something went wrong; it was logged. Try again or reload the page.' });
};

export interface BuildAdminOptions {
  prisma: PrismaClient;
  users: AdminUsers;
  sessionSecret: string;
  sessionStore: session.Store;
  /** Extra resources, e.g. the API-access plugin's. */
  resources?: AdminJSOptions['resources'];
  componentLoader?: AdminJSOptions['componentLoader'];
  /** Labels to merge into the English locale, e.g. the API-access plugin's. */
  translations?: LocaleTranslations;
  /** Sign-in attempts per minute per client before a pause. */
  maxSignInAttempts?: number;
  /** Routes served inside the admin router with the signed-in session, e.g. the API-access plugin's CSV export. */
  routes?: RequestHandler[];
  /** Told the id of an admin user whose record was edited (e.g. to follow a changed e-mail address). */
  onAdminUserSaved?: (userId: string) => Promise<unknown>;
  /** Which state-changing requests the panel accepts: see adminRequestGuard (default: only the panel's own). */
  requestGuard?: AdminRequestGuardOptions;
}

export async function buildAdmin(options: BuildAdminOptions): Promise<AdminSetup> {
  const admin = new AdminJS({
    rootPath: '/admin',
    resources: [adminUserResource(options.prisma, options.users, options.onAdminUserSaved ?? (async () => {})), ...(options.resources ?? [])],
    ...(options.componentLoader ? { componentLoader: options.componentLoader } : {}),
    branding: { companyName: 'Example back office', withMadeWithLove: false },
    ...(options.translations ? { locale: { language: 'en', translations: { en: options.translations } } } : {}),
  });
  // HttpOnly and SameSite=Lax always; Secure whenever the request came over TLS (behind a proxy,
  // only with Express's "trust proxy" set, see trust-proxy.ts).
  const sessionOptions: session.SessionOptions = {
    store: options.sessionStore,
    secret: options.sessionSecret,
    resave: false,
    saveUninitialized: false,
    name: 'adminjs',
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 60 * 60 * 1000 },
  };
  const adminRouter = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    {
      cookieName: 'adminjs',
      cookiePassword: options.sessionSecret,
      authenticate: (email: string, password: string) => options.users.authenticate(email, password),
      // Per client address and process, counting every attempt: see SECURITY.md.
      maxRetries: { count: options.maxSignInAttempts ?? 10, duration: 60 },
    },
    null,
    sessionOptions,
  );
  const router = express.Router();
  // First: a POST from another site or origin is refused before anything reads it or its session.
  router.use(adminRequestGuard(options.requestGuard));
  // The same session middleware AdminJS puts in its router, run first so that the steps below see
  // the session; AdminJS's own then finds req.session and steps aside, as express-session does.
  router.use(session(sessionOptions));
  router.post(routerPath(admin, admin.options.loginPath), newSessionOnSignIn);
  router.use(freshSession(options.users));
  for (const route of options.routes ?? []) router.use(route);
  router.use(
    ['/api/resources/:resourceId/actions/:action', '/api/resources/:resourceId/records/:recordId/:action', '/api/resources/:resourceId/bulk/:action'],
    unknownActions(admin),
  );
  router.use(adminRouter);
  router.use(errorAnswer);
  // express-formidable reports a broken body twice (its error event and its callback); the second
  // report skips errorAnswer and would reach Express's final handler, which then cuts the
  // connection under the answer already on its way. It ends here instead.
  const outer = express.Router();
  outer.use((req, res, next) => router(req, res, (error?: unknown) => (error && res.locals.errorAnswered ? undefined : next(error))));
  return { admin, router: outer };
}
