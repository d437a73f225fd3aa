CREATE TABLE `etl_rejects` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` int unsigned NOT NULL,
	`table_name` varchar(32) NOT NULL,
	`file` varchar(64) NOT NULL,
	`line_number` bigint unsigned NOT NULL,
	`reason` varchar(255) NOT NULL,
	`line` text NOT NULL,
	CONSTRAINT `etl_rejects_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `etl_run_tables` (
	`run_id` int unsigned NOT NULL,
	`table_name` varchar(32) NOT NULL,
	`status` enum('pending','running','succeeded','skipped','failed') NOT NULL DEFAULT 'pending',
	`stage` varchar(32),
	`rows_read` bigint unsigned NOT NULL DEFAULT 0,
	`inserted` bigint unsigned NOT NULL DEFAULT 0,
	`updated` bigint unsigned NOT NULL DEFAULT 0,
	`unchanged` bigint unsigned NOT NULL DEFAULT 0,
	`deleted` bigint unsigned NOT NULL DEFAULT 0,
	`deletes_withheld` bigint unsigned NOT NULL DEFAULT 0,
	`rejected` bigint unsigned NOT NULL DEFAULT 0,
	`duplicates` bigint unsigned NOT NULL DEFAULT 0,
	`bytes_read` bigint unsigned NOT NULL DEFAULT 0,
	`bytes_total` bigint unsigned,
	`seconds_download` decimal(10,3) NOT NULL DEFAULT 0,
	`seconds_load` decimal(10,3) NOT NULL DEFAULT 0,
	`seconds_apply` decimal(10,3) NOT NULL DEFAULT 0,
	`seconds_index` decimal(10,3) NOT NULL DEFAULT 0,
	`message` varchar(1024),
	`error` text,
	CONSTRAINT `etl_run_tables_run_id_table_name_pk` PRIMARY KEY(`run_id`,`table_name`)
);
--> statement-breakpoint
CREATE TABLE `etl_runs` (
	`id` int unsigned AUTO_INCREMENT NOT NULL,
	`mode` enum('first-run','incremental') NOT NULL,
	`trigger` varchar(16) NOT NULL,
	`source` varchar(1024) NOT NULL,
	`tables` varchar(255),
	`force_deletes` boolean NOT NULL DEFAULT false,
	`status` enum('queued','running','succeeded','failed','cancelled') NOT NULL DEFAULT 'queued',
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`started_at` datetime(3),
	`finished_at` datetime(3),
	`heartbeat_at` datetime(3),
	`cancel_requested` boolean NOT NULL DEFAULT false,
	`error` text,
	CONSTRAINT `etl_runs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `etl_sources` (
	`file` varchar(64) NOT NULL,
	`url` varchar(1024) NOT NULL,
	`etag` varchar(255),
	`last_modified` varchar(64),
	`content_length` bigint unsigned,
	`synced_at` datetime(3),
	CONSTRAINT `etl_sources_file` PRIMARY KEY(`file`)
);
--> statement-breakpoint
CREATE TABLE `genres` (
	`genre_id` smallint unsigned NOT NULL,
	`genre_name` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	CONSTRAINT `genres_genre_id` PRIMARY KEY(`genre_id`),
	CONSTRAINT `genres_genre_name` UNIQUE(`genre_name`)
);
--> statement-breakpoint
CREATE TABLE `name_basics` (
	`nid` int unsigned NOT NULL,
	`nconst` varchar(12) GENERATED ALWAYS AS (concat('nm', lpad(`nid`, greatest(7, length(`nid`)), '0'))) VIRTUAL,
	`primaryName` varchar(512),
	`birthYear` smallint unsigned,
	`deathYear` smallint unsigned,
	`primaryProfession` varchar(255),
	`knownForTitles` varchar(255),
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `name_basics_nid` PRIMARY KEY(`nid`)
);
--> statement-breakpoint
CREATE TABLE `title_akas` (
	`tid` int unsigned NOT NULL,
	`titleId` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`ordering` smallint unsigned NOT NULL,
	`title` varchar(768),
	`region` varchar(16),
	`language` varchar(16),
	`types` varchar(255),
	`attributes` varchar(255),
	`isOriginalTitle` tinyint unsigned,
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_akas_tid_ordering_pk` PRIMARY KEY(`tid`,`ordering`)
);
--> statement-breakpoint
CREATE TABLE `title_basics` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`titleType` varchar(32),
	`primaryTitle` varchar(768),
	`originalTitle` varchar(768),
	`isAdult` tinyint unsigned,
	`startYear` smallint unsigned,
	`endYear` smallint unsigned,
	`runtimeMinutes` int unsigned,
	`genres` varchar(255),
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_basics_tid` PRIMARY KEY(`tid`)
);
--> statement-breakpoint
CREATE TABLE `title_crew` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`directors` mediumtext,
	`writers` mediumtext,
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_crew_tid` PRIMARY KEY(`tid`)
);
--> statement-breakpoint
CREATE TABLE `title_episode` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`parentTconst` varchar(12),
	`seasonNumber` int unsigned,
	`episodeNumber` int unsigned,
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_episode_tid` PRIMARY KEY(`tid`)
);
--> statement-breakpoint
CREATE TABLE `title_genres` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`genre_id` smallint unsigned NOT NULL,
	CONSTRAINT `title_genres_tid_genre_id_pk` PRIMARY KEY(`tid`,`genre_id`)
);
--> statement-breakpoint
CREATE TABLE `title_principals` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`ordering` smallint unsigned NOT NULL,
	`nconst` varchar(12),
	`category` varchar(64),
	`job` varchar(1024),
	`characters` text,
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_principals_tid_ordering_pk` PRIMARY KEY(`tid`,`ordering`)
);
--> statement-breakpoint
CREATE TABLE `title_ratings` (
	`tid` int unsigned NOT NULL,
	`tconst` varchar(12) GENERATED ALWAYS AS (concat('tt', lpad(`tid`, greatest(7, length(`tid`)), '0'))) VIRTUAL,
	`averageRating` decimal(3,1),
	`numVotes` int unsigned,
	`row_hash` binary(8) NOT NULL,
	CONSTRAINT `title_ratings_tid` PRIMARY KEY(`tid`)
);
--> statement-breakpoint
CREATE INDEX `etl_rejects_run` ON `etl_rejects` (`run_id`,`table_name`,`line_number`);--> statement-breakpoint
CREATE INDEX `etl_runs_status` ON `etl_runs` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `name_basics_primaryName` ON `name_basics` (`primaryName`);--> statement-breakpoint
CREATE INDEX `title_akas_title` ON `title_akas` (`title`);--> statement-breakpoint
CREATE INDEX `title_basics_startYear` ON `title_basics` (`startYear`);--> statement-breakpoint
CREATE INDEX `title_basics_genres` ON `title_basics` (`genres`);--> statement-breakpoint
CREATE INDEX `title_basics_primaryTitle` ON `title_basics` (`primaryTitle`);--> statement-breakpoint
CREATE INDEX `title_episode_parentTconst` ON `title_episode` (`parentTconst`);--> statement-breakpoint
CREATE INDEX `title_genres_genre_tid` ON `title_genres` (`genre_id`,`tid`);--> statement-breakpoint
CREATE INDEX `title_principals_nconst` ON `title_principals` (`nconst`);--> statement-breakpoint
CREATE INDEX `title_ratings_numVotes` ON `title_ratings` (`numVotes`);