import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config.js';

describe('configuration from the environment', () => {
  it('takes a Grafana base URL and refuses one a link cannot be built on, naming the variable', () => {
    expect(loadConfig({}, {}).grafanaUrl).toBeUndefined();
    expect(loadConfig({}, { SUPPORTLOOP_GRAFANA_URL: 'https://ops.example.com/grafana' }).grafanaUrl).toBe('https://ops.example.com/grafana');
    expect(() => loadConfig({}, { SUPPORTLOOP_GRAFANA_URL: 'grafana.example.com' })).toThrow('SUPPORTLOOP_GRAFANA_URL=grafana.example.com: grafanaUrl must be an absolute URL');
    expect(() => loadConfig({}, { SUPPORTLOOP_GRAFANA_URL: 'ftp://grafana.example.com' })).toThrow('grafanaUrl must be an http:// or https:// URL');
    expect(() => loadConfig({}, { SUPPORTLOOP_GRAFANA_URL: 'https://grafana.example.com/?orgId=1' })).toThrow('grafanaUrl must not carry a query or a fragment');
  });

  it('refuses a number that is not a non-negative integer', () => {
    expect(loadConfig({}, { SUPPORTLOOP_PORT: '9090' }).port).toBe(9090);
    expect(() => loadConfig({}, { SUPPORTLOOP_PORT: 'ninety' })).toThrow('SUPPORTLOOP_PORT=ninety: port must be a non-negative integer');
  });
});
