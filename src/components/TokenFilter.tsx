import React, { useEffect, useState } from 'react';
import { FormGroup, Label, SelectAsync } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { api } from './api';

type Option = { value: string; label: string };

/**
 * The request-log and audit-trail filter by token: a token found by its name, as AdminJS's
 * reference filter offers it (the token resource's search, under its access rules). AdminJS's
 * own filter names the chosen token only while it is among the suggestions it loaded (the first
 * 50): opened from a link that carries a token's id (a token's page links to its logs), it showed
 * an empty choice although the list was filtered. This one names it from the token's own record,
 * asked once; a token the admin may not open (or one deleted since) is shown by its id.
 */
const TokenFilter: React.FC<BasePropertyProps> = ({ property, filter, onChange }) => {
  const { translateProperty } = useTranslation();
  const resourceId = String(property.reference);
  const value = String(filter?.[property.path] ?? '');
  // Token names by id, from the suggestions loaded and the chosen token's record.
  const [names, setNames] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!value || names[value] !== undefined) return undefined;
    let current = true;
    api.recordAction({ resourceId, recordId: value, actionName: 'show' }).then(
      (response) => {
        const title = (response.data as { record?: { title?: unknown } } | undefined)?.record?.title;
        if (current && typeof title === 'string' && title) setNames((known) => ({ ...known, [value]: title }));
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [resourceId, value]);

  const loadOptions = async (query: string): Promise<Option[]> => {
    const records = await api.searchRecords({ resourceId, query });
    const options = records.map((record) => ({ value: String(record.id), label: record.title }));
    setNames((known) => ({ ...known, ...Object.fromEntries(options.map((o) => [o.value, o.label])) }));
    return options;
  };

  const selected: Option | null = value ? { value, label: names[value] ?? value } : null;
  return (
    <FormGroup variant="filter" data-testid={`token-filter-${property.path}`}>
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <SelectAsync
        variant="filter"
        value={selected}
        isClearable
        cacheOptions
        defaultOptions
        loadOptions={loadOptions}
        onChange={(choice: Option | null) => onChange?.(property.path, choice ? choice.value : '')}
      />
    </FormGroup>
  );
};

export default TokenFilter;
