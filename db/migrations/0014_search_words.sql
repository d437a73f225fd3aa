-- Search (docs/search.md): a table of words kept by the engine replaces the FULLTEXT indexes of 0012. InnoDB's
-- full-text search reads a word's whole list of rows whatever the LIMIT; here the index search_words_word holds
-- a word's rows most popular first, so the top answers are read from the front of its list (the primary key,
-- by title or person, is what a refresh rewrites and a full build loads in order). Written by hand:
-- drizzle-orm cannot declare a descending key part.
ALTER TABLE `title_basics` DROP INDEX `title_basics_search`;--> statement-breakpoint
ALTER TABLE `title_akas` DROP INDEX `title_akas_search`;--> statement-breakpoint
ALTER TABLE `name_basics` DROP INDEX `name_basics_search`;--> statement-breakpoint
ALTER TABLE `title_principals` DROP INDEX `title_principals_search`;--> statement-breakpoint
CREATE TABLE `search_words` (
	`kind` tinyint unsigned NOT NULL,
	`id` int unsigned NOT NULL,
	`word` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`popularity` tinyint unsigned NOT NULL,
	PRIMARY KEY (`kind`, `id`, `word`),
	KEY `search_words_word` (`word`, `kind`, `popularity` DESC, `id`)
);--> statement-breakpoint
CREATE TABLE `search_known_for` (
	`nid` int unsigned NOT NULL,
	`tid` int unsigned NOT NULL,
	PRIMARY KEY (`nid`, `tid`),
	KEY `search_known_for_title` (`tid`)
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
