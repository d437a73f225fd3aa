CREATE TABLE `etl_drift` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` int unsigned NOT NULL,
	`table_name` varchar(32) NOT NULL,
	`kind` enum('missing','differing','extra') NOT NULL,
	`imdb_key` varchar(12) NOT NULL,
	`ordering` smallint unsigned,
	`line_number` bigint unsigned,
	CONSTRAINT `etl_drift_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `etl_runs` MODIFY COLUMN `mode` enum('first-run','incremental','verify') NOT NULL;--> statement-breakpoint
ALTER TABLE `etl_run_tables` ADD `drift_missing` bigint unsigned;--> statement-breakpoint
ALTER TABLE `etl_run_tables` ADD `drift_differing` bigint unsigned;--> statement-breakpoint
ALTER TABLE `etl_run_tables` ADD `drift_extra` bigint unsigned;--> statement-breakpoint
ALTER TABLE `etl_runs` ADD `repair` boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `etl_drift_run` ON `etl_drift` (`run_id`,`table_name`,`id`);