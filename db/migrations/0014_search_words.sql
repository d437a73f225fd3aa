-- Search (docs/search.md): a table of words kept by the engine replaces the FULLTEXT indexes of 0012. InnoDB's
-- full-text search reads a word's whole list of rows whatever the LIMIT; here a word's rows are stored most
-- popular first, so the top answers are read from the front of its list. Written by hand: drizzle-orm cannot
-- declare a descending key part.
ALTER TABLE `title_basics` DROP INDEX `title_basics_search`;--> statement-breakpoint
ALTER TABLE `title_akas` DROP INDEX `title_akas_search`;--> statement-breakpoint
ALTER TABLE `name_basics` DROP INDEX `name_basics_search`;--> statement-breakpoint
ALTER TABLE `title_principals` DROP INDEX `title_principals_search`;--> statement-breakpoint
CREATE TABLE `search_words` (
	`word` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`kind` tinyint unsigned NOT NULL,
	`popularity` tinyint unsigned NOT NULL,
	`id` int unsigned NOT NULL,
	PRIMARY KEY (`word`, `kind`, `popularity` DESC, `id`),
	KEY `search_words_entity` (`kind`, `id`)
);--> statement-breakpoint
CREATE TABLE `search_known_for` (
	`tid` int unsigned NOT NULL,
	`nid` int unsigned NOT NULL,
	PRIMARY KEY (`tid`, `nid`),
	KEY `search_known_for_person` (`nid`)
);--> statement-breakpoint
CREATE TABLE `search_dirty` (
	`source` tinyint unsigned NOT NULL,
	`run_id` int unsigned NOT NULL,
	`id` int unsigned NOT NULL,
	PRIMARY KEY (`source`, `run_id`, `id`)
);--> statement-breakpoint
CREATE TABLE `search_state` (
	`id` tinyint unsigned NOT NULL,
	`needs_build` boolean NOT NULL,
	`built_at` datetime(3),
	`built_by_run` int unsigned,
	PRIMARY KEY (`id`)
);--> statement-breakpoint
INSERT INTO `search_state` (`id`, `needs_build`) VALUES (1, true);
