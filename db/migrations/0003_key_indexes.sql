CREATE INDEX `name_basics_nconst` ON `name_basics` (`nconst`);--> statement-breakpoint
CREATE INDEX `title_akas_titleId` ON `title_akas` (`titleId`);--> statement-breakpoint
CREATE INDEX `title_basics_tconst` ON `title_basics` (`tconst`);--> statement-breakpoint
CREATE INDEX `title_crew_tconst` ON `title_crew` (`tconst`);--> statement-breakpoint
CREATE INDEX `title_episode_tconst` ON `title_episode` (`tconst`);--> statement-breakpoint
CREATE INDEX `title_genres_tconst` ON `title_genres` (`tconst`);--> statement-breakpoint
CREATE INDEX `title_principals_tconst` ON `title_principals` (`tconst`);--> statement-breakpoint
CREATE INDEX `title_ratings_tconst` ON `title_ratings` (`tconst`);