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

export function datamodelModel(name: string): DatamodelModel {
  const model = loadDatamodel().models.find((m) => m.name === name);
  if (!model) throw new Error(`The Prisma model ${name} is missing from the datamodel. Did you add api-access.prisma to your schema?`);
  return model;
}
