-- 客户画像 (docs/contacts.md) and personal data (docs/privacy.md): the profile's fields on
-- contacts (the reports read tags, vip_level, lost_reason and lost_at by these names), the
-- workspace's custom field definitions, orders pushed by the site, manual merges with what
-- they moved (so they can be undone), and the audit log of every look at or export of
-- personal data.
ALTER TABLE contacts ADD COLUMN company text;
ALTER TABLE contacts ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN vip_level integer NOT NULL DEFAULT 0 CHECK (vip_level BETWEEN 0 AND 5);
UPDATE contacts SET vip_level = 1 WHERE vip;
ALTER TABLE contacts ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN temperament text CHECK (temperament IN ('lively', 'forceful', 'perfectionist', 'peaceful'));
ALTER TABLE contacts ADD COLUMN needs jsonb NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN lost_reason text CHECK (lost_reason IN ('poor_service', 'nobody_cared', 'price', 'better_product', 'other'));
ALTER TABLE contacts ADD COLUMN lost_note text;
ALTER TABLE contacts ADD COLUMN lost_at timestamptz;
ALTER TABLE contacts ADD COLUMN erased_at timestamptz;
-- the list (GET /contacts): newest activity first, merged-away rows left out
CREATE INDEX contacts_activity_idx ON contacts (workspace_id, (COALESCE(last_seen_at, created_at)) DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);
CREATE INDEX contacts_merged_into_idx ON contacts (merged_into) WHERE merged_into IS NOT NULL;

-- 客户字段: admins define them; a deleted definition's values stay in contacts, unseen.
CREATE TABLE contact_fields (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  key           text NOT NULL,
  label         text NOT NULL,
  type          text NOT NULL CHECK (type IN ('text', 'number', 'date', 'option')),
  options       jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contact_fields_key_key UNIQUE (workspace_id, key)
);

-- Orders the site's back office pushes; an order number belongs to one contact of the workspace.
CREATE TABLE contact_orders (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  contact_id    bigint NOT NULL REFERENCES contacts(id),
  order_id      text NOT NULL,
  items         jsonb NOT NULL DEFAULT '[]',
  amount        numeric(16, 2) NOT NULL,
  currency      text NOT NULL DEFAULT 'CNY',
  status        text NOT NULL,
  ordered_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contact_orders_order_key UNIQUE (workspace_id, order_id)
);
CREATE INDEX contact_orders_contact_idx ON contact_orders (contact_id, ordered_at DESC);
-- q finds an order number case-insensitively
CREATE INDEX contact_orders_lower_idx ON contact_orders (workspace_id, lower(order_id));

-- A supervisor's merge of a duplicate (from → into): the ids of every row it moved, by
-- table, so an undo moves exactly those back; `ended`: open conversations it ended.
CREATE TABLE contact_merges (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspaces(id),
  from_contact_id  bigint NOT NULL REFERENCES contacts(id),
  into_contact_id  bigint NOT NULL REFERENCES contacts(id),
  moved            jsonb NOT NULL,
  ended            bigint[] NOT NULL DEFAULT '{}',
  actor_id         bigint REFERENCES agents(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  undone_at        timestamptz,
  undone_by        bigint REFERENCES agents(id)
);
CREATE INDEX contact_merges_from_idx ON contact_merges (from_contact_id, id DESC);
CREATE INDEX contact_merges_into_idx ON contact_merges (into_contact_id, id DESC);

-- Who looked at, exported, imported, merged or erased personal data (PIPL), and reports
-- exported (the reports module writes through src/audit/store.ts recordAudit).
CREATE TABLE audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  actor_id      bigint REFERENCES agents(id),
  action        text NOT NULL,
  subject_type  text NOT NULL,
  subject_id    bigint,
  detail        jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (workspace_id, action, id DESC);
