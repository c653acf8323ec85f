/** Who made a program change: a user in the editor, the AI service, the system (backfill, catch-up versions) or a revert. */
export type ChangeSource = 'USER' | 'AI' | 'BACKFILL' | 'REVERT';
