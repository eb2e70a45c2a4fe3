import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

/** Statements (and, of those, transactions begun) sent to SQLite, counted below Prisma, where none can slip past. */
export interface QueryCounter {
  count: number;
  transactions?: number;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** Wraps a connection (or transaction) so that every statement it runs is counted. */
function counted<T extends object>(target: T, counter: QueryCounter): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as AnyFunction;
      if (property === 'queryRaw' || property === 'executeRaw' || property === 'executeScript') {
        return (...args: unknown[]) => {
          counter.count++;
          return fn.apply(object, args);
        };
      }
      if (property === 'startTransaction') {
        return async (...args: unknown[]) => {
          counter.count++;
          if (counter.transactions !== undefined) counter.transactions++;
          return counted((await fn.apply(object, args)) as object, counter);
        };
      }
      return fn.bind(object);
    },
  });
}

/**
 * The SQLite driver adapter the example host uses, with a statement counter (used by the
 * benchmarks and tests): Prisma's
 * `$on('query')` is not available with driver adapters, so the count is taken at the adapter.
 */
export function countingSqliteAdapter(url: string, counter: QueryCounter): PrismaBetterSQLite3 {
  const factory = new PrismaBetterSQLite3({ url });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => counted(await connect(), counter);
  return factory;
}

/** The PostgreSQL driver adapter the example host uses, with the same statement counter. */
export function countingPostgresAdapter(url: string, counter: QueryCounter): PrismaPg {
  const factory = new PrismaPg({ connectionString: url });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => counted(await connect(), counter);
  return factory;
}
