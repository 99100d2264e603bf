import { Injectable } from '@nestjs/common';
import { DocumentWrites, EmbeddedOutboxStore } from '@pos/persistence';
import { CustomerDoc, Customers } from '../customers/schemas/customer.schema';

/** The customers' outbox: `customer.changed` events kept in each customer's own document until published. */
@Injectable()
export class CustomersOutbox extends EmbeddedOutboxStore<CustomerDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, Customers);
  }
}
