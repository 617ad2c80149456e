-- A page view is reported again when the widget reconnects on the same page:
-- the widget's per-page key lets the server recognise it instead of counting a new view.
ALTER TABLE page_views ADD COLUMN page_key text;
CREATE UNIQUE INDEX page_views_key_key ON page_views (visit_id, page_key) WHERE page_key IS NOT NULL;
