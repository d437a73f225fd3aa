ALTER TABLE `genres` ADD `title_count` int unsigned DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `title_ratings_averageRating` ON `title_ratings` (`averageRating`);