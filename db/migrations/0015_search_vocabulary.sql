-- Completion of the last word typed (docs/search.md): every word of the search index with how many of its rows
-- hold it, per kind (a title's, a person's, a cast list's words: each of the three searches completes with its
-- own words, and the refresh, which rewrites the three kinds side by side, never updates one row from two
-- connections). A prefix is a range of the primary key. `word_rows`, not `rows`: ROWS is a reserved word in
-- MySQL 8 and MariaDB. The engine keeps it (lib/etl/search-index.ts, search-build.ts); the first run after the
-- upgrade builds the index again, which fills it (one INSERT … SELECT here would be one writeset of millions of
-- rows on a Galera node).
CREATE TABLE `search_vocabulary` (
	`kind` tinyint unsigned NOT NULL,
	`word` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`word_rows` int unsigned NOT NULL,
	PRIMARY KEY (`kind`, `word`)
);--> statement-breakpoint
UPDATE `search_state` SET `needs_build` = true WHERE `id` = 1;
