// The deprecation programme (issue 5): Message Center posts and service-health issues per
// tenant, the proactive disablements the job has announced (pending until their date, then
// done), and every run of the self-service diagnostic.
export const up = `
-- Ids come from the serial column (a sequence owned by the table, dropped with it).
create table programme_messages (
  seq bigserial primary key,
  id text not null unique,
  tenant_id uuid not null references tenants(id) on delete cascade,
  kind text not null,
  title text not null,
  body text not null,
  category text not null,
  severity text not null,
  tags jsonb not null default '[]',
  is_major_change boolean not null,
  services jsonb not null,
  details jsonb not null default '[]',
  start_at timestamptz not null,
  end_at timestamptz,
  action_required_by timestamptz,
  last_modified_at timestamptz not null
);
create index programme_messages_tenant on programme_messages(tenant_id, start_at desc, id desc);

create table programme_issues (
  seq bigserial primary key,
  id text not null unique,
  tenant_id uuid not null references tenants(id) on delete cascade,
  title text not null,
  impact_description text not null,
  classification text not null,
  origin text not null,
  status text not null,
  service text not null,
  feature text not null,
  feature_group text not null,
  is_resolved boolean not null,
  details jsonb not null default '[]',
  posts jsonb not null default '[]',
  start_at timestamptz not null,
  end_at timestamptz,
  last_modified_at timestamptz not null
);
create index programme_issues_tenant on programme_issues(tenant_id, start_at desc, id desc);

create table programme_disablements (
  id bigserial primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  protocols jsonb not null,
  noticed_at timestamptz not null,
  due_at timestamptz not null,
  notice_id text not null,
  state text not null,
  disabled jsonb,
  spared jsonb,
  confirmation_id text,
  issue_id text,
  processed_at timestamptz
);
create index programme_disablements_due on programme_disablements(state, due_at, id);
create index programme_disablements_tenant on programme_disablements(tenant_id, state);

create table programme_diagnostic_runs (
  id bigserial primary key,
  tenant_id uuid not null references tenants(id) on delete cascade,
  user_id uuid,
  at timestamptz not null,
  action text not null,
  target text,
  protocols jsonb not null default '[]',
  outcome text not null,
  effective_at timestamptz
);
create index programme_diagnostic_runs_tenant on programme_diagnostic_runs(tenant_id, at desc);
`;
