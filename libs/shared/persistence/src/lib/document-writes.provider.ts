import { Provider } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { DocumentWrites } from './document-writes';

/** DocumentWrites on the app's (default) mongoose connection: add it to the providers of a service's module. */
export const documentWritesProvider: Provider = {
  provide: DocumentWrites,
  useFactory: (conn: Connection) => new DocumentWrites(conn),
  inject: [getConnectionToken()],
};
