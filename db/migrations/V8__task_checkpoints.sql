-- The newest checkpoint a task saved (an artifact), so a retry resumes from it on whichever worker it lands:
-- unlike outputs, it survives the attempt that wrote it.
ALTER TABLE task_run ADD COLUMN checkpoint VARCHAR(71);
ALTER TABLE task_run ADD COLUMN checkpoint_at TIMESTAMP WITH TIME ZONE;
