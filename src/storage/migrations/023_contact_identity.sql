-- 客户画像, one customer everywhere: a site's own user id identifies a contact (signed by the
-- site with its inbox's identity secret, docs/identity.md). An anonymous visitor who identifies
-- as a known customer is merged into that contact: `merged_into` keeps the old row, and its
-- token now stands for the known contact (in the inbox that issued it).
ALTER TABLE inboxes ADD COLUMN identity_secret text;
ALTER TABLE contacts ADD COLUMN external_id text;
ALTER TABLE contacts ADD COLUMN merged_into bigint REFERENCES contacts(id);
CREATE UNIQUE INDEX contacts_external_id_key ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL;
