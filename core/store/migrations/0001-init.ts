// The first schema: tenants and their effective-dated settings, users and app passwords, the
// identity platform's apps, keys and refresh tokens, sign-in records and usage counters, and
// the minimal mail store SMTP delivers into (folders and messages with UIDs).
export const up = `
create table meta (
  key text primary key,
  value jsonb not null
);

create table tenants (
  id uuid primary key,
  name text not null unique,
  cloud text not null,
  created_at timestamptz not null
);

create table tenant_domains (
  domain text primary key,
  tenant_id uuid not null references tenants(id) on delete cascade
);

create table users (
  id uuid primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  upn text not null unique,
  display_name text not null,
  password_hash text,
  created_at timestamptz not null
);

create table app_passwords (
  id uuid primary key,
  user_id uuid not null references users(id) on delete cascade,
  name text not null,
  hash text not null,
  created_at timestamptz not null
);

-- Effective-dated settings (DESIGN.md "Time"): subject is 'org', 'user:<id>' or 'policy:<name>'.
create table settings (
  seq bigserial primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  subject text not null,
  key text not null,
  value jsonb not null,
  effective_at timestamptz not null,
  recorded_at timestamptz not null
);
create index settings_tenant on settings(tenant_id, seq);

create table apps (
  client_id uuid primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  -- the enterprise application's (service principal's) object id in the directory
  object_id uuid not null,
  display_name text not null,
  secret_hashes jsonb not null default '[]',
  delegated jsonb not null default '[]',
  application jsonb not null default '[]',
  redirect_uris jsonb not null default '[]',
  created_at timestamptz not null
);

create table service_principals (
  object_id uuid primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  app_id uuid not null,
  display_name text not null,
  created_at timestamptz not null,
  unique (tenant_id, app_id)
);

create table mailbox_permissions (
  tenant_id uuid not null references tenants(id) on delete cascade,
  mailbox_user_id uuid not null references users(id) on delete cascade,
  trustee text not null,
  rights text not null,
  created_at timestamptz not null,
  primary key (mailbox_user_id, trustee, rights)
);

create table signing_keys (
  kid text primary key,
  private_jwk jsonb not null,
  created_at timestamptz not null
);

create table refresh_tokens (
  hash text primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  user_id uuid references users(id) on delete cascade,
  client_id uuid not null,
  scopes jsonb not null,
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  revoked boolean not null default false
);

create table signins (
  id uuid primary key,
  created_at timestamptz not null,
  tenant_id uuid,
  user_id uuid,
  upn text,
  user_display_name text,
  app_id text not null,
  app_display_name text not null,
  resource_id text not null,
  resource_display_name text not null,
  client_app_used text not null,
  error_code integer not null,
  failure_reason text,
  ip text not null,
  correlation_id text not null,
  user_agent text,
  device_id text,
  ca_status text not null,
  ca_policy jsonb,
  interactive boolean not null,
  event_type text not null
);
create index signins_tenant_time on signins(tenant_id, created_at desc, id desc);

create table usage_daily (
  tenant_id uuid not null,
  protocol text not null,
  day date not null,
  auth_kind text not null,
  successes bigint not null,
  primary key (tenant_id, protocol, day, auth_kind)
);

create table usage_clients (
  tenant_id uuid not null,
  protocol text not null,
  day date not null,
  user_id uuid not null,
  client text not null,
  successes bigint not null,
  last_seen timestamptz not null,
  primary key (tenant_id, protocol, day, user_id, client)
);

create table mail_folders (
  id uuid primary key,
  user_id uuid not null references users(id) on delete cascade,
  name text not null,
  special_use text,
  uid_validity bigint not null,
  uid_next bigint not null default 1,
  subscribed boolean not null default true,
  unique (user_id, name)
);

create table mail_messages (
  folder_id uuid not null references mail_folders(id) on delete cascade,
  uid bigint not null,
  internal_date timestamptz not null,
  flags jsonb not null default '[]',
  size integer not null,
  body bytea not null,
  -- the MIME structure and envelope, parsed once at delivery (core/mail/mime.ts)
  structure jsonb,
  primary key (folder_id, uid)
);

-- Mail for recipients outside every tenant: captured, never relayed.
create table outbound_messages (
  id uuid primary key,
  tenant_id uuid not null,
  user_id uuid,
  mail_from text not null,
  rcpt_to jsonb not null,
  created_at timestamptz not null,
  size integer not null,
  body bytea not null
);
`;
