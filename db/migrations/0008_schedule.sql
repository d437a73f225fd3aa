CREATE TABLE `etl_schedule` (
	`id` tinyint unsigned NOT NULL,
	`enabled` boolean NOT NULL DEFAULT false,
	`cron` varchar(100) NOT NULL,
	`timezone` varchar(64) NOT NULL,
	`mode` enum('incremental','verify') NOT NULL,
	`source` varchar(16) NOT NULL,
	`tables` varchar(255) NOT NULL,
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `etl_schedule_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `etl_schedule_firings` (
	`id` int unsigned AUTO_INCREMENT NOT NULL,
	`schedule_key` varchar(16) NOT NULL,
	`due_at` datetime(0) NOT NULL,
	`fired_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`fired_by` varchar(100) NOT NULL,
	`outcome` enum('started','skipped','failed') NOT NULL,
	`run_id` int unsigned,
	`message` varchar(1024),
	CONSTRAINT `etl_schedule_firings_id` PRIMARY KEY(`id`),
	CONSTRAINT `etl_schedule_firings_tick` UNIQUE(`schedule_key`,`due_at`)
);
