-- One row per change to a title (created, credit added), so that every web
-- node can bring its own search index up to date within seconds of a change
-- made on another node (catalog.Service.Changes). Rows older than a day are
-- pruned; a node that was away longer rebuilds its index at start.
CREATE TABLE catalog_changes (
	id {{id}},
	title_id BIGINT NOT NULL,
	changed_at BIGINT NOT NULL
);
CREATE INDEX catalog_changes_at ON catalog_changes (changed_at);
