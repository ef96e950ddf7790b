import { Badge } from '@mantine/core';

/** Marks a value fixed by the lab's managed settings: shown read-only, not editable here. */
export function LabBadge() {
  return (
    <Badge variant="light" color="grape" size="sm" title="Fixed by your lab's managed settings">
      set by your lab
    </Badge>
  );
}
