import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { XeroConnectionChanged, verifyOAuthState } from '@pos/sync-contracts';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { DocumentWrites, UNCHANGED } from '@pos/persistence';
import { withEvents } from '../outbox/outbox-events';
import { XeroApi, XeroConnection } from '../xero-client/xero-api';
import { CONNECTIONS, ConnectionDoc, ConnectionStatus, connectionRef } from './connection.schema';
import { OAuthClient, OAuthError, TokenSet, jwtClaims } from './oauth-client';
import { TokenCipher } from './token-cipher';

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 120_000;
/** A refresher that crashed holding the lock is taken over after this long. */
const REFRESH_LOCK_MS = 30_000;
/** How long a worker waits for another worker's refresh before giving up for now. */
const REFRESH_WAIT_MS = 35_000;

/** Why connecting failed, as the callback page explains it. */
export class ConnectError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** The connection cannot be used until the retailer reconnects. */
export class NotConnected extends Error {
  constructor(
    readonly status: ConnectionStatus,
    message: string,
  ) {
    super(message);
  }
}

export interface TenantAccess {
  retailerId: string;
  tenantId: string;
  accessToken: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connecting a retailer (the OAuth callback) and handing out fresh access tokens. Tokens are stored
 * encrypted; a refresh is done by one worker at a time per connection (a lock in the connection
 * document; the others wait and re-read), and the rotated refresh token is saved before the new
 * access token is used.
 */
@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);
  private readonly owner = randomUUID();
  private readonly cipher: TokenCipher;
  private readonly oauth: OAuthClient;
  readonly xero: XeroApi;
  /** Counts token refreshes by outcome (the metrics module reads it). */
  onRefresh?: (outcome: 'refreshed' | 'invalid_grant' | 'error') => void;

  constructor(
    @InjectModel(CONNECTIONS) private readonly model: Model<ConnectionDoc>,
    private readonly writes: DocumentWrites,
    @Inject(XERO_SYNC_CONFIG) private readonly config: XeroSyncConfig,
  ) {
    this.cipher = new TokenCipher(config.TOKEN_ENCRYPTION_KEY ?? '');
    this.oauth = new OAuthClient({
      tokenUrl: config.XERO_TOKEN_URL,
      clientId: config.XERO_CLIENT_ID,
      clientSecret: config.XERO_CLIENT_SECRET,
      redirectUri: config.XERO_REDIRECT_URI,
      timeoutMs: config.XERO_TIMEOUT_MS,
    });
    this.xero = new XeroApi({ apiUrl: config.XERO_API_URL, timeoutMs: config.XERO_TIMEOUT_MS });
  }

  find(retailerId: string): Promise<ConnectionDoc | null> {
    return this.model.findById(retailerId).lean<ConnectionDoc>().exec();
  }

  connected(): Promise<ConnectionDoc[]> {
    return this.model.find({ status: 'connected' }).lean<ConnectionDoc[]>().exec();
  }

  /** The retailers connected to a Xero organisation now (a webhook names the tenant, not the retailer). */
  async connectedToTenant(tenantId: string): Promise<string[]> {
    const docs = await this.model.find({ tenantId, status: 'connected' }).lean<ConnectionDoc[]>().exec();
    return docs.map((d) => d.retailerId);
  }

  /**
   * The OAuth callback: checks the signed state, exchanges the code, picks the organisation this
   * authorisation just granted, reads its name and ShortCode, stores the tokens and announces the
   * connection (xero.connection-changed.v1 in the same write).
   */
  async connect(q: { code?: string; state?: string; error?: string }, now = new Date()): Promise<ConnectionDoc> {
    const secret = this.config.OAUTH_STATE_SECRET;
    if (!secret) throw new ConnectError(503, 'Connecting Xero is not configured', 'This server has no OAUTH_STATE_SECRET.');
    const state = verifyOAuthState(q.state ?? '', secret, now);
    if (!state.ok) {
      const why = state.error === 'expired' ? 'The link has expired (it is valid for 10 minutes).' : 'The link is not one this POS issued.';
      throw new ConnectError(400, 'This Xero connection link is not valid', `${why} Start again from the POS: Settings → Connect Xero.`);
    }
    if (q.error) throw new ConnectError(400, 'Xero was not connected', `Xero answered "${q.error}". Start again from the POS to connect.`);
    if (!q.code) throw new ConnectError(400, 'Xero was not connected', 'Xero sent no authorisation code. Start again from the POS.');
    const retailerId = state.value.retailerId;

    let tokens: TokenSet;
    try {
      tokens = await this.oauth.exchangeCode(q.code);
    } catch (err) {
      throw new ConnectError(502, 'Xero was not connected', `Xero did not accept the authorisation (${(err as Error).message}). Start again from the POS.`);
    }
    const authEventId = jwtClaims(tokens.access_token)['authentication_event_id'] as string | undefined;
    const tenant = await this.pickTenant(tokens.access_token, authEventId);
    const org = await this.xero.organisation(tokens.access_token, tenant.tenantId);
    const o = org.body?.Organisations?.[0];
    if (!org.ok || !o) {
      throw new ConnectError(502, 'Xero was not connected', `Could not read the organisation from Xero (${org.status ?? org.networkError}).`);
    }
    const organisationName = o.Name ?? tenant.tenantName ?? '';
    const shortCode = o.ShortCode ?? '';
    const written = await this.writes.upsert(connectionRef(retailerId), (current) => {
      const doc: Omit<ConnectionDoc, '_id' | 'rev'> = {
        ...(current ?? {}),
        retailerId,
        status: 'connected',
        tenantId: tenant.tenantId,
        organisationName,
        shortCode,
        accessToken: this.cipher.encrypt(tokens.access_token, retailerId),
        refreshToken: this.cipher.encrypt(tokens.refresh_token, retailerId),
        accessExpiresAt: new Date(now.getTime() + tokens.expires_in * 1000),
        authEventId,
        connectedAt: now,
        refreshLock: null,
        expiredReason: undefined,
        relayLock: current?.relayLock ?? null,
        ...withEvents(current, retailerId, [
          { def: XeroConnectionChanged, payload: { status: 'connected', tenantId: tenant.tenantId, organisationName, shortCode } },
        ]),
      };
      return doc;
    });
    return written as ConnectionDoc;
  }

  /** The tenant this authorisation granted: by authEventId, else the newest connection. */
  private async pickTenant(accessToken: string, authEventId?: string): Promise<XeroConnection> {
    let r = await this.xero.connections(accessToken, authEventId);
    if (r.ok && authEventId && Array.isArray(r.body) && !r.body.length) r = await this.xero.connections(accessToken);
    if (!r.ok || !Array.isArray(r.body)) throw new ConnectError(502, 'Xero was not connected', `Could not list the connections (${r.status ?? r.networkError}).`);
    const orgs = r.body.filter((c) => (c.tenantType ?? 'ORGANISATION') === 'ORGANISATION');
    const granted = orgs.filter((c) => !authEventId || c.authEventId === authEventId);
    const pool = granted.length ? granted : orgs;
    const newest = [...pool].sort((a, b) => Date.parse(b.createdDateUtc ?? '0') - Date.parse(a.createdDateUtc ?? '0'))[0];
    if (!newest) throw new ConnectError(400, 'No Xero organisation was chosen', 'Connect again and pick an organisation on Xero’s page.');
    return newest;
  }

  /**
   * A usable access token for the retailer's tenant, refreshed first when it is about to expire or
   * when Xero just refused it (`rejected`: the token a 401 came back for). Throws NotConnected when
   * the connection is expired or gone.
   */
  async access(retailerId: string, opts: { rejected?: string; now?: () => number } = {}): Promise<TenantAccess> {
    const now = opts.now ?? Date.now;
    const deadline = now() + REFRESH_WAIT_MS;
    for (;;) {
      const c = await this.find(retailerId);
      if (!c || c.status !== 'connected') throw new NotConnected(c?.status ?? 'disconnected', `the Xero connection is ${c?.status ?? 'disconnected'}`);
      const token = this.cipher.decrypt(c.accessToken, retailerId);
      const fresh = new Date(c.accessExpiresAt).getTime() - REFRESH_MARGIN_MS > now();
      if (fresh && token !== opts.rejected) return { retailerId, tenantId: c.tenantId, accessToken: token };
      const refreshed = await this.refresh(c, now);
      if (refreshed) return refreshed;
      if (now() > deadline) throw new Error(`waited too long for another worker's token refresh of ${retailerId}`);
      await sleep(200 + Math.random() * 100); // another worker is refreshing: wait, then re-read
    }
  }

  /**
   * Refreshes under the connection's refresh lock. Returns undefined when another worker holds it.
   * The new token set is written (rotated refresh token first of all) before the access token is used.
   */
  private async refresh(c: ConnectionDoc, now: () => number): Promise<TenantAccess | undefined> {
    const retailerId = c.retailerId;
    const lockOwner = `${this.owner}:${randomUUID()}`;
    let claimed: ConnectionDoc | undefined;
    await this.writes.upsert(connectionRef(retailerId), (cur) => {
      claimed = undefined;
      if (!cur || cur.status !== 'connected') return UNCHANGED;
      if (cur.refreshLock && new Date(cur.refreshLock.until).getTime() > now()) return UNCHANGED;
      if (cur.accessToken !== c.accessToken) return UNCHANGED; // someone refreshed meanwhile: re-read
      claimed = cur;
      return { refreshLock: { owner: lockOwner, until: new Date(now() + REFRESH_LOCK_MS) } };
    });
    if (!claimed) return undefined;
    let tokens: TokenSet;
    try {
      tokens = await this.oauth.refresh(this.cipher.decrypt(claimed.refreshToken, retailerId));
    } catch (err) {
      const dead = err instanceof OAuthError && (err.error === 'invalid_grant' || err.error === 'unauthorized_client');
      this.onRefresh?.(dead ? 'invalid_grant' : 'error');
      if (dead) {
        await this.markExpired(retailerId, err.error, lockOwner);
        throw new NotConnected('expired', `Xero refused the refresh token (${err.error}); the retailer must reconnect`);
      }
      await this.releaseRefreshLock(retailerId, lockOwner);
      throw err;
    }
    let saved = false;
    await this.writes.upsert(connectionRef(retailerId), (cur) => {
      saved = false;
      if (!cur || cur.refreshLock?.owner !== lockOwner) return UNCHANGED;
      saved = true;
      return {
        accessToken: this.cipher.encrypt(tokens.access_token, retailerId),
        refreshToken: this.cipher.encrypt(tokens.refresh_token, retailerId),
        accessExpiresAt: new Date(now() + tokens.expires_in * 1000),
        refreshLock: null,
      };
    });
    if (!saved) {
      // our lock was taken over (we were too slow): the token set we hold may already be rotated away
      this.logger.warn(`refresh of ${retailerId} finished after its lock expired; using what the database holds`);
      return undefined;
    }
    this.onRefresh?.('refreshed');
    this.logger.log(`refreshed the Xero access token of ${retailerId}`);
    return { retailerId, tenantId: c.tenantId, accessToken: tokens.access_token };
  }

  private async releaseRefreshLock(retailerId: string, owner: string): Promise<void> {
    await this.writes.upsert(connectionRef(retailerId), (cur) => (cur && cur.refreshLock?.owner === owner ? { refreshLock: null } : UNCHANGED));
  }

  /** invalid_grant, a revoked connection: the retailer must reconnect; every change stays pending. */
  async markExpired(retailerId: string, reason: string, lockOwner?: string): Promise<void> {
    let expired = false;
    await this.writes.upsert(connectionRef(retailerId), (cur) => {
      expired = false;
      if (!cur || cur.status !== 'connected') return UNCHANGED;
      expired = true;
      return {
        status: 'expired' as const,
        expiredReason: reason,
        refreshLock: lockOwner && cur.refreshLock?.owner === lockOwner ? null : cur.refreshLock,
        ...withEvents(cur, retailerId, [
          {
            def: XeroConnectionChanged,
            payload: { status: 'expired', tenantId: cur.tenantId, organisationName: cur.organisationName, shortCode: cur.shortCode },
          },
        ]),
      };
    });
    if (expired) this.logger.warn(`the Xero connection of ${retailerId} is expired (${reason})`);
  }
}
