import { readFileSync } from 'node:fs';

export interface DatamodelField {
  name: string;
  kind: string;
  type: string;
  isId: boolean;
  isRequired: boolean;
  isList: boolean;
  [key: string]: unknown;
}

export interface DatamodelModel {
  name: string;
  fields: DatamodelField[];
  [key: string]: unknown;
}

let cached: { models: DatamodelModel[]; enums: unknown[] } | null = null;

/** The full Prisma DMMF datamodel of the plugin's schema, written at build time. */
export function loadDatamodel(): { models: DatamodelModel[]; enums: unknown[] } {
  cached ??= JSON.parse(readFileSync(new URL('./generated/datamodel.json', import.meta.url), 'utf8'));
  return cached!;
}

/**
 * One model of the datamodel, for an @adminjs/prisma resource. Fields named in `omit` are left
 * out: @adminjs/prisma copies only the model's fields into records, so an omitted field never
 * reaches a record, a response or the browser.
 */
export function datamodelModel(name: string, omit: readonly string[] = []): DatamodelModel {
  const model = loadDatamodel().models.find((m) => m.name === name);
  if (!model) throw new Error(`The Prisma model ${name} is missing from the datamodel. Did you add api-access.prisma to your schema?`);
  return { ...model, fields: model.fields.filter((field) => !omit.includes(field.name)) };
}
