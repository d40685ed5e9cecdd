#!/usr/bin/env node
/**
 * `omni-companion [--config <file>]`: runs the companion for a site. The first start writes the
 * application-service registration and prints the lines the homeserver's configuration needs.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { startCompanion } from './companion.ts';

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
try {
  const config = loadConfig(values.config);
  const fresh = !existsSync(config.registrationFile);
  const companion = await startCompanion(config);
  if (fresh) {
    console.log(`omni-companion: wrote the registration ${config.registrationFile}. Add to the homeserver's configuration:
  app_service_config_files: [${config.registrationFile}]
  login_via_existing_session: { enabled: true, require_ui_auth: false }
  serve_client_wellknown: true
  extra_well_known_client_content: { "org.omnisocial.companion": { "bot": "${companion.botUserId}" } }
and restart it.`);
  }
  console.log(`omni-companion: the homeserver reaches it at ${companion.appServiceUrl}, the site's backend at ${companion.siteApiUrl}`);
  const stop = (): void => void companion.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`omni-companion: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
