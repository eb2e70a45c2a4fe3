import React, { useEffect, useState } from 'react';
import { FormGroup, Label, Select } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { pageFormInfo, type FormInfo } from './api';

type Option = { value: string; label: string };

/**
 * The token list's role filter: a choice of the roles that exist, by name, instead of a text box
 * where a role had to be typed exactly. The roles come from the token resource's create action
 * (what the create form offers; asked once for the page with the guidance above the list),
 * which every admin who may list tokens may also read. The
 * filter's value is the role's id; a link that carries a role's name still works (the list
 * action takes either).
 */
const RoleFilter: React.FC<BasePropertyProps> = ({ property, filter, onChange, resource }) => {
  const { translateProperty } = useTranslation();
  const [roles, setRoles] = useState<FormInfo['roles'] | null>(null);
  useEffect(() => {
    pageFormInfo(resource.id).then(
      (form) => setRoles(form?.roles ?? []),
      () => setRoles([]),
    );
  }, [resource.id]);

  const options: Option[] = (roles ?? []).map((role) => ({ value: role.id, label: role.name }));
  const value = String(filter?.[property.path] ?? '');
  const selected = value ? (options.find((o) => o.value === value || o.label === value) ?? { value, label: value }) : null;
  return (
    <FormGroup variant="filter" data-testid="role-filter">
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <Select
        variant="filter"
        value={selected}
        isClearable
        isLoading={roles === null}
        options={options}
        onChange={(choice: Option | null) => onChange?.(property.path, choice ? choice.value : '')}
      />
    </FormGroup>
  );
};

export default RoleFilter;
