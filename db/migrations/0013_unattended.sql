CREATE TABLE `etl_quality_results` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` int unsigned,
	`check_name` varchar(40) NOT NULL,
	`rows` bigint unsigned NOT NULL,
	`examples` varchar(255) NOT NULL,
	`method` enum('full','incremental','carried') NOT NULL,
	`seconds` decimal(10,3) NOT NULL,
	`checked_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `etl_quality_results_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `etl_quality_rows` (
	`check_name` varchar(40) NOT NULL,
	`key_number` int unsigned NOT NULL,
	`ordering` smallint unsigned NOT NULL DEFAULT 0,
	`ref_key` varchar(12) NOT NULL,
	CONSTRAINT `etl_quality_rows_check_name_key_number_ordering_pk` PRIMARY KEY(`check_name`,`key_number`,`ordering`)
);
--> statement-breakpoint
CREATE TABLE `etl_quality_state` (
	`check_name` varchar(40) NOT NULL,
	`as_of_run` int unsigned NOT NULL,
	CONSTRAINT `etl_quality_state_check_name` PRIMARY KEY(`check_name`)
);
--> statement-breakpoint
CREATE TABLE `etl_run_log` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` int unsigned NOT NULL,
	`at` datetime(3) NOT NULL,
	`level` enum('debug','info','warn','error') NOT NULL,
	`table_name` varchar(32),
	`message` varchar(1024) NOT NULL,
	`details` text,
	CONSTRAINT `etl_run_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `notify_deliveries` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event` enum('run.failed','run.succeeded','run.drift','mirror.stale','schedule.failed','test') NOT NULL,
	`run_id` int unsigned,
	`target` varchar(255) NOT NULL,
	`outcome` enum('delivered','failed') NOT NULL,
	`http_status` smallint unsigned,
	`attempts` tinyint unsigned NOT NULL,
	`error` varchar(512),
	`text` varchar(1024) NOT NULL,
	`sent_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `notify_deliveries_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `notify_settings` (
	`id` tinyint unsigned NOT NULL,
	`urls` text NOT NULL,
	`on_success` boolean NOT NULL DEFAULT false,
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `notify_settings_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `notify_stale_alerts` (
	`last_success_run_id` int unsigned NOT NULL,
	`sent_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `notify_stale_alerts_last_success_run_id` PRIMARY KEY(`last_success_run_id`)
);
--> statement-breakpoint
CREATE INDEX `etl_quality_results_check` ON `etl_quality_results` (`check_name`,`id`);--> statement-breakpoint
CREATE INDEX `etl_quality_results_run` ON `etl_quality_results` (`run_id`);--> statement-breakpoint
CREATE INDEX `etl_quality_rows_ref` ON `etl_quality_rows` (`check_name`,`ref_key`);--> statement-breakpoint
CREATE INDEX `etl_run_log_run` ON `etl_run_log` (`run_id`,`id`);--> statement-breakpoint
CREATE INDEX `notify_deliveries_run` ON `notify_deliveries` (`run_id`);