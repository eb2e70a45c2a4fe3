import schemaWasm from '@prisma/prisma-schema-wasm';
import type { DatamodelModel } from './datamodel.js';

/** The full Prisma datamodel of a schema: models with isId, isRequired, ..., and enums. */
export interface FullDatamodel {
  models: DatamodelModel[];
  enums: unknown[];
}

/** What @adminjs/prisma takes as a resource: the model, the client, and a client module for enums. */
export interface PrismaResource {
  model: DatamodelModel;
  client: object;
  clientModule: { Prisma: { dmmf: { datamodel: FullDatamodel } } };
}

const byClient = new WeakMap<object, FullDatamodel>();

/** The schema a generated client was built from (every file of a multi-file schema, in one text). */
function schemaOf(client: object): string | undefined {
  const schema = (client as { _engineConfig?: { inlineSchema?: unknown } })._engineConfig?.inlineSchema;
  return typeof schema === 'string' && schema.length > 0 ? schema : undefined;
}

/** The full datamodel of a PrismaClient's schema, computed once per client. */
export function prismaDatamodel(client: object, options: { schema?: string } = {}): FullDatamodel {
  const cached = options.schema === undefined ? byClient.get(client) : undefined;
  if (cached) return cached;
  const schema = options.schema ?? schemaOf(client);
  if (!schema) {
    throw new Error(
      'prismaResource: this PrismaClient does not carry its schema. Pass it yourself: prismaResource(prisma, "User", { schema: readFileSync("prisma/schema.prisma", "utf8") }).',
    );
  }
  const dmmf = JSON.parse(schemaWasm.get_dmmf(JSON.stringify({ prismaSchema: schema, noColor: true }))) as { datamodel: FullDatamodel };
  if (options.schema === undefined) byClient.set(client, dmmf.datamodel);
  return dmmf.datamodel;
}

/**
 * An @adminjs/prisma resource for one of your own models, for a PrismaClient generated with the
 * Rust-free engine (`engineType = "client"`): that client no longer carries the full model
 * description @adminjs/prisma needs, which then fails with `Resource "X" does not have an id
 * property`. This reads it from the client's schema instead:
 * `resources: [{ resource: prismaResource(prisma, 'Order'), options: { ... } }]`.
 */
export function prismaResource(client: object, modelName: string, options: { schema?: string } = {}): PrismaResource {
  const datamodel = prismaDatamodel(client, options);
  const model = datamodel.models.find((m) => m.name === modelName);
  if (!model) {
    throw new Error(`prismaResource: the Prisma schema has no model ${modelName}. Its models: ${datamodel.models.map((m) => m.name).join(', ')}.`);
  }
  return { model, client, clientModule: { Prisma: { dmmf: { datamodel } } } };
}
