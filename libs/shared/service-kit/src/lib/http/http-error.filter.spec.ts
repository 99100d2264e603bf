import { ArgumentsHost } from '@nestjs/common';
import { Observable, firstValueFrom } from 'rxjs';
import { HttpErrorFilter } from './http-error.filter';

describe('HttpErrorFilter outside HTTP', () => {
  it("hands a message handler's error back to the transport unchanged (it retries or dead-letters)", async () => {
    const failure = new Error('the ledger write failed');
    const rpc = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const out = new HttpErrorFilter().catch(failure, rpc);
    expect(out).toBeInstanceOf(Observable);
    await expect(firstValueFrom(out as Observable<never>)).rejects.toBe(failure);
  });
});
