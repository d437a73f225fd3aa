CREATE TABLE `etl_changes` (
	`run_id` int unsigned NOT NULL,
	`table_name` varchar(32) NOT NULL,
	`key_number` int unsigned NOT NULL,
	`ordering` smallint unsigned NOT NULL DEFAULT 0,
	`imdb_key` varchar(12) GENERATED ALWAYS AS (concat(if(`table_name` = 'name_basics', 'nm', 'tt'), lpad(`key_number`, greatest(7, length(`key_number`)), '0'))) VIRTUAL,
	`kind` enum('insert','update','delete') NOT NULL,
	`changed_columns` longtext,
	`old_line` longtext,
	CONSTRAINT `etl_changes_run_id_table_name_key_number_ordering_pk` PRIMARY KEY(`run_id`,`table_name`,`key_number`,`ordering`)
);
--> statement-breakpoint
CREATE TABLE `etl_history_horizon` (
	`table_name` varchar(32) NOT NULL,
	`after_run` int unsigned NOT NULL,
	CONSTRAINT `etl_history_horizon_table_name` PRIMARY KEY(`table_name`)
);
--> statement-breakpoint
CREATE INDEX `etl_changes_key` ON `etl_changes` (`table_name`,`key_number`,`ordering`,`run_id`);