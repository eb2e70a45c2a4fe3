import AdminJS, { type ActionContext, type AdminJSOptions, type LocaleTranslations } from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/prisma';
import * as PrismaModule from '@prisma/client';
import type { PrismaClient } from '@prisma/client';
import type { Router } from 'express';
import type session from 'express-session';
import { datamodelModel, stripParams } from 'adminjs-api-access';
import { hashPassword, SUPER_ADMIN, type AdminUsers, type SessionAdmin } from './users.js';

AdminJS.registerAdapter({ Database, Resource });

export interface AdminSetup {
  admin: AdminJS;
  router: Router;
}

const hidePasswordHash = stripParams(['passwordHash']);
const isSuperAdmin = ({ currentAdmin }: ActionContext) => (currentAdmin as SessionAdmin | undefined)?.role === SUPER_ADMIN;

/** The example host's own resources: its admin users, manageable by super admins only. */
function adminUserResource(prisma: PrismaClient): NonNullable<AdminJSOptions['resources']>[number] {
  return {
    resource: { model: datamodelModel('AdminUser'), client: prisma, clientModule: PrismaModule },
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
        list: { isAccessible: isSuperAdmin, after: [hidePasswordHash] },
        show: { isAccessible: isSuperAdmin, after: [hidePasswordHash] },
        search: { isAccessible: isSuperAdmin, after: [hidePasswordHash] },
        new: { isAccessible: isSuperAdmin, before: [hashPasswordBefore], after: [hidePasswordHash] },
        edit: { isAccessible: isSuperAdmin, before: [hashPasswordBefore], after: [hidePasswordHash] },
        delete: { isAccessible: isSuperAdmin, after: [hidePasswordHash] },
        bulkDelete: { isAccessible: isSuperAdmin, after: [hidePasswordHash] },
      },
    },
  };
}

async function hashPasswordBefore(request: { payload?: Record<string, unknown>; method: string }) {
  if (request.method !== 'post' || !request.payload) return request;
  const { password, ...rest } = request.payload;
  if (typeof password === 'string' && password.length > 0) {
    return { ...request, payload: { ...rest, passwordHash: await hashPassword(password) } };
  }
  return { ...request, payload: rest };
}

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
}

export async function buildAdmin(options: BuildAdminOptions): Promise<AdminSetup> {
  const admin = new AdminJS({
    rootPath: '/admin',
    resources: [adminUserResource(options.prisma), ...(options.resources ?? [])],
    ...(options.componentLoader ? { componentLoader: options.componentLoader } : {}),
    branding: { companyName: 'Example back office', withMadeWithLove: false },
    ...(options.translations ? { locale: { language: 'en', translations: { en: options.translations } } } : {}),
  });
  const router = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    {
      cookieName: 'adminjs',
      cookiePassword: options.sessionSecret,
      authenticate: (email: string, password: string) => options.users.authenticate(email, password),
      maxRetries: { count: options.maxSignInAttempts ?? 10, duration: 60 },
    },
    null,
    {
      store: options.sessionStore,
      secret: options.sessionSecret,
      resave: false,
      saveUninitialized: false,
      name: 'adminjs',
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 60 * 60 * 1000 },
    },
  );
  return { admin, router };
}
