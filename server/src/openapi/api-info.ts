import type { ApiInfo } from './api-docs';

/** Title, version and tag descriptions of the OpenAPI document. */
export const API_INFO: ApiInfo = {
  title: 'Mindful Code sync server',
  version: '0.1.0',
  description: [
    'REST API and sync socket behind the Mindful Code VS Code extension and dashboard.',
    '',
    'Field names are snake_case. Points in time are accepted as ISO-8601 date-times with an offset or as epoch milliseconds; days as YYYY-MM-DD. Every time returned is an ISO-8601 UTC string.',
    'Every error answer is `{"error": {"code", "message", "details"}}`. The full reference is docs/api.md in the repository.',
  ].join('\n'),
  tags: [
    { name: 'Service', description: 'Health, metrics and this reference' },
    { name: 'Accounts', description: 'Sign-up, sign-in and sign-out (better-auth)' },
    { name: 'Account', description: 'The signed-in account' },
    { name: 'Sessions', description: 'Coding sessions over REST' },
    { name: 'Flow', description: 'Flow detection, patterns and insights' },
    { name: 'Teams', description: 'Teams, consent, aggregates and burnout alerts (premium)' },
    { name: 'Privacy', description: 'Settings, export and purge' },
    { name: 'Sync', description: 'The y-websocket sync socket' },
  ],
};
