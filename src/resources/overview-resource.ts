import { BaseProperty, BaseResource } from 'adminjs';

/** AdminJS needs one property to title records by, even where there are none. */
const ID = new BaseProperty({ path: 'id', type: 'string', isId: true });

/**
 * A resource without records: it gives the overview screen its place in the API Access
 * navigation group (AdminJS's pages live in a group of their own), with AdminJS's access
 * checks for its one action. Every record operation finds nothing.
 */
export class OverviewResource extends BaseResource {
  constructor(private readonly resourceId: string) {
    super();
  }

  override id(): string {
    return this.resourceId;
  }

  override databaseName(): string {
    return 'api-access';
  }

  override databaseType(): string {
    return 'virtual';
  }

  override properties() {
    return [ID];
  }

  override property(path: string) {
    return path === ID.path() ? ID : null;
  }

  override async count(): Promise<number> {
    return 0;
  }

  override async find() {
    return [];
  }

  override async findOne() {
    return null;
  }

  override async findMany() {
    return [];
  }
}
