CREATE TABLE `etl_table_files` (
	`table_name` varchar(32) NOT NULL,
	`fingerprint` varchar(64) NOT NULL,
	`run_id` int unsigned NOT NULL,
	`synced_at` datetime(3) NOT NULL,
	CONSTRAINT `etl_table_files_table_name` PRIMARY KEY(`table_name`)
);
