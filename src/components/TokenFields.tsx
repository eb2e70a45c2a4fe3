import React from 'react';
import { Box, FormGroup, FormMessage, Input, Label, TextArea } from '@adminjs/design-system';
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
    tags: values.tags.split(',').map((t) => t.trim()).filter(Boolean),
    roleIds: values.roleIds,
    allowedIps: values.allowedIps.split(/[\n,]/).map((t) => t.trim()).filter(Boolean),
  };
}

/** The fields create and edit share: name, description, tags, roles, IP ranges. */
const TokenFields: React.FC<{
  form: FormInfo;
  values: TokenFieldValues;
  onChange: (values: TokenFieldValues) => void;
  errors: Record<string, string>;
}> = ({ form, values, onChange, errors }) => {
  const set = (patch: Partial<TokenFieldValues>) => onChange({ ...values, ...patch });
  return (
    <>
      <FormGroup error={Boolean(errors.name)}>
        <Label htmlFor="token-name" required>Name</Label>
        <Input id="token-name" name="name" data-testid="field-name" value={values.name} maxLength={100} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ name: e.target.value })} />
        <FormMessage data-testid="error-name">{errors.name ?? form.namePatternHint ?? 'A unique name that says what uses the token.'}</FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.description)}>
        <Label htmlFor="token-description">Description</Label>
        <TextArea id="token-description" data-testid="field-description" value={values.description} maxLength={1000} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ description: e.target.value })} />
        {errors.description ? <FormMessage>{errors.description}</FormMessage> : null}
      </FormGroup>
      <FormGroup error={Boolean(errors.tags)}>
        <Label htmlFor="token-tags">Tags</Label>
        <Input id="token-tags" data-testid="field-tags" placeholder="prod, reporting" value={values.tags} onChange={(e: React.ChangeEvent<HTMLInputElement>) => set({ tags: e.target.value })} />
        <FormMessage data-testid="error-tags">{errors.tags ?? 'Comma-separated.'}</FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.roleIds)}>
        <Label required>Roles</Label>
        {form.roles.length === 0 ? <NoRolesYet /> : null}
        {form.roles.map((role) => (
          <Box key={role.id} flex flexDirection="row" alignItems="center" mb="sm">
            <input
              type="checkbox"
              id={`role-${role.id}`}
              data-testid={`role-${role.name}`}
              checked={values.roleIds.includes(role.id)}
              onChange={(e) => set({ roleIds: e.target.checked ? [...values.roleIds, role.id] : values.roleIds.filter((id) => id !== role.id) })}
            />
            <Label htmlFor={`role-${role.id}`} ml="default" mb="0">
              {role.name} <span style={{ opacity: 0.7 }}>({role.scopes.join(', ')}) {role.description}</span>
            </Label>
          </Box>
        ))}
        {errors.roleIds ? <FormMessage data-testid="error-roleIds">{errors.roleIds}</FormMessage> : null}
      </FormGroup>
      <FormGroup error={Boolean(errors.allowedIps)}>
        <Label htmlFor="token-ips">Allowed IP ranges</Label>
        <TextArea id="token-ips" data-testid="field-allowedIps" placeholder={'203.0.113.0/24\n2001:db8::/32'} value={values.allowedIps} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set({ allowedIps: e.target.value })} />
        <FormMessage data-testid="error-allowedIps">{errors.allowedIps ?? 'One per line. Empty: any address.'}</FormMessage>
      </FormGroup>
    </>
  );
};

export default TokenFields;
