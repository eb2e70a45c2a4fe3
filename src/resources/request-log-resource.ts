import { OwnPrismaResource } from './own-prisma-resource.js';
import { BaseRecord } from 'adminjs';

/** A request-log id as AdminJS carries it (its decimal string), or null for text that is none. */
function requestLogId(id: string | number): bigint | null {
  const text = String(id);
  return /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= 9_223_372_036_854_775_807n ? BigInt(text) : null;
}

/**
 * The request-log resource: @adminjs/prisma's, with the 64-bit id as its decimal string. The
 * client reads the id as a bigint, which JSON cannot carry, and @adminjs/prisma would parse an id
 * from a URL as a JS number, which past 2^53 names another row. (The list is the plugin's own
 * action; AdminJS still loads a record by its id before refusing a record action on it.)
 */
export class RequestLogResource extends OwnPrismaResource {
  override async findOne(id: string | number): Promise<BaseRecord | null> {
    const key = requestLogId(id);
    const row = key === null ? null : await this.manager.findUnique({ where: { id: key } });
    return row ? new BaseRecord(this.prepareReturnValues(row), this) : null;
  }

  override async findMany(ids: Array<string | number>): Promise<BaseRecord[]> {
    const keys = ids.map(requestLogId).filter((key) => key !== null);
    const rows = keys.length === 0 ? [] : await this.manager.findMany({ where: { id: { in: keys } } });
    return rows.map((row: Record<string, unknown>) => new BaseRecord(this.prepareReturnValues(row), this));
  }

  protected override prepareReturnValues(params: Record<string, unknown>): Record<string, unknown> {
    const values = super.prepareReturnValues(params);
    return typeof values.id === 'bigint' ? { ...values, id: values.id.toString() } : values;
  }
}
