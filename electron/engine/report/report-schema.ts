import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../shared/report.schema.json' with { type: 'json' };

export type ReportValidation = { valid: true } | { valid: false; errors: string[] };

export const REPORT_SCHEMA = schema;

// Compiling generates code; do it once, and only when a report is first validated, so importing this
// module stays cheap for callers that never validate.
let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // verbose: the messages quote the offending value, which is what a person needs to find it.
  compiled ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    schema,
  );
  return compiled;
}

/** Checks a report against reset-doctor/report@2 and explains each mismatch in one line. */
export function validateReport(report: unknown): ReportValidation {
  const validate = validator();
  if (validate(report)) return { valid: true };
  const errors = (validate.errors ?? []).map(describeError);
  return { valid: false, errors: errors.length > 0 ? errors : ['the report does not match the schema'] };
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? 'report' : `report${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at} is missing the required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${at} has an unknown property "${String(params.additionalProperty)}"`;
    case 'enum': {
      // Long vocabularies (cause ids, failure codes) would bury the message; the value is what helps.
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      const list = allowed.length <= 8 ? `: one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : '';
      return `${at} has the unknown value ${preview(error.data)}; it must be a known value${list}`;
    }
    case 'const':
      return `${at} must be ${JSON.stringify(params.allowedValue)}, not ${preview(error.data)}`;
    case 'pattern':
      return params.pattern === schema.$defs.dateTime.pattern
        ? `${at} must be an ISO 8601 date-time such as 2025-01-31T12:00:00.000Z, not ${preview(error.data)}`
        : `${at} does not match the pattern ${String(params.pattern)}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}${error.data === undefined ? '' : ` (found ${preview(error.data)})`}`;
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
