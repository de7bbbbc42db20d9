// Classes whose folders hold nothing in this emulator (see ../folders.ts).
export const EMPTY_FOLDER_CLASSES: ReadonlySet<string> = new Set(['Calendar', 'Contacts', 'Tasks', 'Notes']);
