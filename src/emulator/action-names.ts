/**
 * The optional unique-name rule (`uniqueActionNames`). The platform accepts two actions with the
 * same name in one integration as far as any source says (reference §7.2), and §10.5 leaves it to
 * a probe on a real org; with the option on, the emulator refuses the duplicate so a client can be
 * tested against the stricter answer.
 */
import type { ActionRecord } from './state.js';
import { ApiFailure } from './wire.js';

/** The id of another published action of `integrationId` named `name`, if any. Pure. */
export function findSameName(
  actions: Iterable<ActionRecord>,
  integrationId: string,
  name: string,
  selfId?: string,
): string | undefined {
  for (const record of actions) {
    if (
      record.id !== selfId &&
      record.integrationId === integrationId &&
      record.published?.name === name
    ) {
      return record.id;
    }
  }
  return undefined;
}

/** The 400 answered for a duplicate name when `uniqueActionNames` is on. */
export function duplicateNameFailure(
  name: string,
  integrationId: string,
  existingId: string,
): ApiFailure {
  return new ApiFailure(
    400,
    'bad.request',
    `An action with name "${name}" already exists in integration ${integrationId} (action ${existingId}).`,
    {
      details: [{ errorCode: 'DUPLICATE_NAME', fieldName: 'name', entityId: existingId }],
      messageWithParams:
        'An action with name {name} already exists in integration {integrationId}.',
      messageParams: { name, integrationId },
    },
  );
}
