// Client and worker connections to Temporal: the embedded dev server or a cluster / Temporal Cloud
// (TLS, mTLS client certificate, API key), from one set of options.
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from './config.js';

export interface TemporalConnections {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

function tlsOptions(config: Config) {
  if (config.temporalTlsCert && config.temporalTlsKey) {
    return { clientCertPair: { crt: readFileSync(config.temporalTlsCert), key: readFileSync(config.temporalTlsKey) } };
  }
  return config.temporalTls || config.temporalApiKey ? true : undefined;
}

export async function connectTemporal(config: Config, address: string, options: { worker: boolean }): Promise<TemporalConnections> {
  const common = { address, tls: tlsOptions(config), apiKey: config.temporalApiKey };
  const connection = await Connection.connect(common);
  const nativeConnection = options.worker ? await NativeConnection.connect(common) : undefined;
  const client = new Client({ connection, namespace: config.temporalNamespace });
  return {
    client,
    connection,
    get nativeConnection(): NativeConnection {
      if (!nativeConnection) throw new Error('this process was connected without a worker connection');
      return nativeConnection;
    },
    close: async () => {
      await connection.close();
      await nativeConnection?.close();
    },
  };
}
