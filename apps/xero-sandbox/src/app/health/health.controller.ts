import { Controller, Get } from '@nestjs/common';
import { SandboxRuntime } from '../sandbox-runtime';

@Controller('health')
export class HealthController {
  constructor(private readonly rt: SandboxRuntime) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): { status: 'ok'; organisations: number } {
    return { status: 'ok', organisations: this.rt.organisations.size };
  }
}
