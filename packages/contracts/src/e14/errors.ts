import type { ErrorStatus } from '../errors.js';

/**
 * e14-service's error codes, each with its one HTTP status. Stable: clients branch on them, so a
 * code is never renamed or reused and its status never changes; add new codes instead. The shared
 * codes it also answers (VALIDATION_FAILED, IDEMPOTENCY_CONFLICT, FORBIDDEN, ...) live in
 * `../errors.ts`.
 *
 * 404 = the thing the URL or query addresses does not exist; 422 = a well-formed body names
 * something that does not fit (an unknown mesa, a corporation the election does not elect).
 */
export const E14_ERROR_STATUS = {
  // elections, territories and the divipol
  ELECTION_UNKNOWN: 404,
  TERRITORY_UNKNOWN: 404,
  MESA_UNKNOWN: 422,
  CORPORATION_NOT_IN_ELECTION: 422,
  DIVIPOL_INVALID: 400,
  DIVIPOL_DUPLICATE_MESA: 400,
  CSV_LINE_INVALID: 400,

  // intake of a submission (INTAKE_CODES)
  BALLOT_OPTION_UNKNOWN: 422,
  VALUE_OUT_OF_RANGE: 400,
  SUM_OVER_HABILITADOS: 422,
  WITNESS_NOT_ASSIGNED: 403,
  SOURCE_NOT_ALLOWED: 403,
  // a sourceRef only the document pipeline writes (e14-document:…), sent by anyone else
  SOURCE_REF_RESERVED: 403,
  DUPLICATE_IN_BATCH: 409,
  BATCH_TOO_LARGE: 413,

  // review (REVIEW_CODES)
  REVIEW_TASK_NOT_FOUND: 404,
  REVIEW_TASK_CLOSED: 409,
  REVIEW_TASK_ESCALATED: 409,
  REVIEW_ENTRY_CONFLICT: 409,
  REVIEW_LEASE_HELD: 409,
  REVIEW_LEASE_INVALID: 409,
  REVIEW_LEASES_UNAVAILABLE: 503,
  REVIEW_CROP_UNAVAILABLE: 404,
  // the task's scan, read again, is not verified as the layout of its template (printed candidate
  // numbers or rules elsewhere): its cells would be cut from the wrong places, so none is served
  REVIEW_CROP_UNVERIFIED: 409,

  // alerts
  ALERT_UNKNOWN: 404,
  // the page image of a form version (the evidence of an alert): the form id is unknown, the
  // form has no stored scan or not that page, or its scan read again is not verified as the
  // layout of its template (its cells would be drawn on the wrong places, so none is served)
  FORM_UNKNOWN: 404,
  FORM_PAGE_UNKNOWN: 404,
  FORM_PAGE_UNVERIFIED: 409,

  // documents: queueing a scan or a URL
  DOCUMENT_UNKNOWN: 404,
  DOCUMENT_NOT_RETRYABLE: 409,
  FILE_REQUIRED: 400,
  TOO_MANY_FILES: 400,
  // several files sent as the pages of one sheet, one of them not a JPEG photo (a PDF or a PNG):
  // the photos of a sheet's pages go together as JPEG, a PDF or a PNG alone
  PAGE_NOT_JPEG: 415,
  MESA_REQUIRED: 400,
  URL_NOT_ALLOWED: 422,
  E14_NOT_PUBLISHED: 422,
  REGISTRADURIA_NOT_CONFIGURED: 409,
  UPSTREAM_FAILED: 502,

  // documents: a file refused by the intake checks (SheetError codes of @castor/e14-sheets)
  FILE_EMPTY: 422,
  FILE_TOO_LARGE: 413,
  FILE_TYPE_UNSUPPORTED: 415,
  HTML_INSTEAD_OF_PDF: 422,
  TOO_MANY_PAGES: 413,
  PDF_ENCRYPTED: 422,
  PDF_ACTIVE_CONTENT: 422,
  PDF_BROKEN: 422,
  DECOMPRESSION_BOMB: 413,
  IMAGE_TOO_LARGE: 413,
  IMAGE_BROKEN: 422,
  // a file whose checks or reading ran past their time or memory limit in the file threads
  FILE_TOO_COMPLEX: 422,
  // ... and a sheet that could not be read (SheetError codes too)
  PAGE_NOT_REGISTERED: 422,
  // the form is found but drawn too small to read handwritten digits (a low-resolution capture)
  IMAGE_RESOLUTION_TOO_LOW: 422,
  TEMPLATE_NOT_FOUND: 422,
  HEADER_UNREAD: 422,

  // documents: why a job failed, stored as the document's error code (JobError codes)
  BALLOT_UNKNOWN: 422,
  CORPORATION_UNKNOWN: 422,
  // documents held in quarantine (state quarantined), never stored nor sent to review until released:
  // the sheet is not the form of the corporation it was sent for (page count, layout, barcode)
  TEMPLATE_MISMATCH: 422,
  // no page shows the E-14's corner squares, or neither its barcode nor its header codes are readable
  NOT_AN_E14: 422,
  // an E-14, but no cell holds ink
  PAGE_BLANK: 422,
  // a page of the form that holds numbers is not in the file (a multi-page sheet sent page by page)
  PAGES_MISSING: 422,
  // the file holds the same page of the form twice
  PAGE_DUPLICATED: 422,
  // the sender's documents opened E14_REVIEW_TASKS_PER_UPLOADER review tasks in the last hour
  REVIEW_BUDGET_EXCEEDED: 429,
  // state replaced: a newer upload of the same mesa and copy by the same sender
  DOCUMENT_REPLACED: 409,
  MESA_NOT_IN_INDEX: 422,
  FILE_MISSING: 409,
  E14_FETCH_FAILED: 502,
  PIPELINE_STOPPED: 503,
  LEASE_LOST: 409,
  LEASE_EXPIRED: 500,
  READ_FAILED: 500,

  // documents: the Registraduría's site or a vision provider failed (@castor/resilience
  // PROVIDER_ERROR_CODES), stored as the document's error code
  PROVIDER_RATE_LIMITED: 503,
  PROVIDER_UNAVAILABLE: 503,
  PROVIDER_TIMEOUT: 504,
  PROVIDER_BAD_RESPONSE: 502,
  PROVIDER_CIRCUIT_OPEN: 503,
  PROVIDER_AUTH_FAILED: 502,
  PROVIDER_REJECTED: 502,
  PROVIDER_INVALID_INPUT: 502,
  PROVIDER_CANCELLED: 503,
  PROVIDER_NOT_CONFIGURED: 503,

  // the local recognizer's model registry (POST /api/pipeline/model/rollback)
  MODEL_VERSION_UNKNOWN: 404,
  // the gate found the version worse than the one it would have replaced: it never reads
  MODEL_VERSION_REJECTED: 409,
  // a trained version the gate has not judged yet: only the gate promotes it
  MODEL_VERSION_NOT_GATED: 409,
  // continuous training (POST /api/pipeline/training/run): a cycle runs already, here or on another replica
  TRAINING_RUNNING: 409,
  // E14_TRAINING_ENABLED=false: no cycle starts
  TRAINING_DISABLED: 409,
} as const satisfies Record<string, ErrorStatus>;

export type E14ErrorCode = keyof typeof E14_ERROR_STATUS;
