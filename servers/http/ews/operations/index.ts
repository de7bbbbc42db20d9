// The operations exogate answers, by element name; anything else in the messages namespace is
// refused as a whole request (replies.ts operationNotSupported).
import { createItem } from './create-item.js';
import { deleteItem } from './delete-item.js';
import { findFolder } from './find-folder.js';
import { findItem } from './find-item.js';
import { getFolder } from './get-folder.js';
import { getItem } from './get-item.js';
import { copyItem, moveItem } from './move-item.js';
import { resolveNames } from './resolve-names.js';
import type { Operation } from './spec.js';
import { updateItem } from './update-item.js';

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  [getFolder, findFolder, findItem, getItem, createItem, updateItem, deleteItem, moveItem, copyItem, resolveNames].map((op) => [op.name, op]),
);
