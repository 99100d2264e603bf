/**
 * A collection whose documents are written through DocumentWrites, typed by its document shape.
 * Declare one per collection beside its schema: `export const Customers = collectionOf<CustomerDoc>('customers')`.
 */
export interface CollectionOf<T extends StoredDoc> {
  readonly name: string;
  /** Never set: carries the document type so a reference knows what it points at. */
  readonly __doc?: T;
}

/** What every document written through DocumentWrites has: a string `_id` and the revision the helper bumps. */
export interface StoredDoc {
  _id: string;
  /** Bumped by every write through DocumentWrites; on MongoDB the compare-and-set is on it. */
  rev: number;
  createdAt?: Date;
  updatedAt?: Date;
}

/** One document: the unit of every write, and of every lock. */
export interface DocRef<T extends StoredDoc> {
  readonly collection: CollectionOf<T>;
  readonly id: string;
}

export function collectionOf<T extends StoredDoc>(name: string): CollectionOf<T> {
  return { name };
}

export function docRef<T extends StoredDoc>(collection: CollectionOf<T>, id: string): DocRef<T> {
  return { collection, id };
}

/** The key of a document's lock: `<collection>:<id>`, the `_id` of its lock document on FerretDB. */
export function lockKeyOf(ref: DocRef<StoredDoc>): string {
  return `${ref.collection.name}:${ref.id}`;
}
