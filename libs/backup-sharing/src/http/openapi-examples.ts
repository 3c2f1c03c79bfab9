import { OpenAPIObject } from '@nestjs/swagger';

/**
 * The IDs the module's OpenAPI examples show, and Swagger UI pre-fills `project_id` with: by
 * default neutral placeholders (no host's data); a host names IDs a reader can try on it.
 */
export interface BackupSharingOpenApiExamples {
  /** The caller's project: pre-filled as `project_id`, the owner in examples. */
  projectId?: string;
  /** A project the examples share with. */
  toProjectId?: string;
  /** A backup of `projectId` the examples share. */
  backupId?: string;
  /** An active sharing of `projectId`: pre-filled where an operation takes a sharing ID. */
  sharingId?: string;
}

/** The placeholders the decorators write, replaced by the host's IDs when it names them. */
export const EXAMPLE_PLACEHOLDERS = {
  projectId: '0a0b0c0d0e0f40a1b2c3d4e5f6a7b8c9',
  toProjectId: '1a1b1c1d1e1f41a2b3c4d5e6f7a8b9c0',
  backupId: '2a2b2c2d-2e2f-42a3-b4c5-d6e7f8a9b0c1',
  // The sharing ID of the published examples.
  sharingId: 'e842bf23-1e05-4c2c-b0f9-25222f4686da',
} as const satisfies Required<BackupSharingOpenApiExamples>;

/** Writes the host's example IDs over the placeholders, everywhere in `document`; changes it in place. */
export function applyOpenApiExamples(document: OpenAPIObject, examples: BackupSharingOpenApiExamples = {}): OpenAPIObject {
  const replacements = (Object.keys(EXAMPLE_PLACEHOLDERS) as (keyof BackupSharingOpenApiExamples)[])
    .filter((key) => examples[key] !== undefined && examples[key] !== EXAMPLE_PLACEHOLDERS[key])
    .map((key) => [EXAMPLE_PLACEHOLDERS[key], examples[key]!] as const);
  if (replacements.length === 0) return document;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return replacements.reduce((text, [placeholder, id]) => text.split(placeholder).join(id), value);
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [replace(key) as string, replace(inner)]));
    }
    return value;
  };
  Object.assign(document, replace(document));
  return document;
}
