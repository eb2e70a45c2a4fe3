import React from 'react';
import { Box, CheckBox, FormGroup, FormMessage, Input, Label, Text, TextArea } from '@adminjs/design-system';
import type { FormInfo } from './api';
import NoRolesYet from './NoRolesYet';

export interface TokenFieldValues {
  name: string;
  description: string;
  tags: string;
  roleIds: string[];
  allowedIps: string;
}

export function toPayload(values: TokenFieldValues) {
  return {
    name: values.name,
    description: values.description,
    tags: values.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    roleIds: values.roleIds,
    allowedIps: values.allowedIps
      .split(/[\n,]/)
      .map((t) => t.trim())
      .filter(Boolean),
  };
}

const WIDE = { width: '100%' } as const;

/** The fields create and edit share: name, description, tags, roles, IP ranges. */
const TokenFields: React.FC<{
  form: FormInfo;
  values: TokenFieldValues;
  onChange: (values: TokenFieldValues) => void;
  errors: Record<string, string>;
}> = ({ form, values, onChange, errors }) => {
  const set = (patch: Partial<TokenFieldValues>) => onChange({ ...values, ...patch });
  const toggleRole = (id: string) => set({ roleIds: values.roleIds.includes(id) ? values.roleIds.filter((r) => r !== id) : [...values.roleIds, id] });
  return (
    <>
      <FormGroup error={Boolean(errors.name)} data-testid="group-name">
        <Label htmlFor="token-name" required>
          Name
        </Label>
        <Input
          id="token-name"
          name="name"
          data-testid="field-name"
          value={values.name}
          maxLength={100}
          style={WIDE}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ name: e.target.value })}
        />
        <FormMessage data-testid="error-name">
          {errors.name ?? form.namePatternHint ?? 'A unique name that says what uses the token, e.g. "Nightly billing export".'}
        </FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.description)} data-testid="group-description">
        <Label htmlFor="token-description">Description</Label>
        <TextArea
          id="token-description"
          data-testid="field-description"
          rows={4}
          style={{ ...WIDE, minHeight: 96, resize: 'vertical' }}
          placeholder="What the integration does, who runs it, where the secret is kept."
          value={values.description}
          maxLength={1000}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ description: e.target.value })}
        />
        {errors.description ? <FormMessage data-testid="error-description">{errors.description}</FormMessage> : null}
      </FormGroup>
      <FormGroup error={Boolean(errors.tags)} data-testid="group-tags">
        <Label htmlFor="token-tags">Tags</Label>
        <Input
          id="token-tags"
          data-testid="field-tags"
          placeholder="prod, reporting"
          value={values.tags}
          style={WIDE}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ tags: e.target.value })}
        />
        <FormMessage data-testid="error-tags">{errors.tags ?? 'Separate tags with commas.'}</FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.roleIds)} data-testid="group-roleIds">
        <Label required>Roles</Label>
        <Text variant="sm" mb="default" style={{ opacity: 0.75 }}>
          What the token may call. Give it the fewest roles it needs.
        </Text>
        {form.roles.length === 0 ? <NoRolesYet /> : null}
        {form.roles.map((role) => (
          <Box key={role.id} flex flexDirection="row" alignItems="flex-start" mb="default">
            <CheckBox id={`role-${role.id}`} checked={values.roleIds.includes(role.id)} onChange={() => toggleRole(role.id)} />
            <Label htmlFor={`role-${role.id}`} data-testid={`role-${role.name}`} ml="default" mb="0" style={{ cursor: 'pointer' }}>
              <strong>{role.name}</strong>
              {role.description ? <span style={{ opacity: 0.75 }}>: {role.description}</span> : null}
              <br />
              <span style={{ opacity: 0.6, fontFamily: 'monospace', fontSize: 12 }}>{role.scopes.join(' · ')}</span>
            </Label>
          </Box>
        ))}
        {errors.roleIds ? <FormMessage data-testid="error-roleIds">{errors.roleIds}</FormMessage> : null}
      </FormGroup>
      <FormGroup error={Boolean(errors.allowedIps)} data-testid="group-allowedIps">
        <Label htmlFor="token-ips">Allowed IP ranges</Label>
        <TextArea
          id="token-ips"
          data-testid="field-allowedIps"
          rows={3}
          style={{ ...WIDE, minHeight: 72, resize: 'vertical', fontFamily: 'monospace' }}
          placeholder={'203.0.113.0/24\n2001:db8::/32'}
          value={values.allowedIps}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ allowedIps: e.target.value })}
        />
        <FormMessage data-testid="error-allowedIps">{errors.allowedIps ?? 'One address or range per line. Leave empty to allow any address.'}</FormMessage>
      </FormGroup>
    </>
  );
};

export default TokenFields;
