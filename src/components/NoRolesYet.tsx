import React from 'react';
import { Link, MessageBox, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';

/** Shown in place of the roles on a create form when no role exists yet: how to add one. */
const NoRolesYet: React.FC<{ rolesResourceId?: string }> = ({ rolesResourceId = 'ApiRole' }) => {
  const newRoleUrl = new ViewHelpers().resourceActionUrl({ resourceId: rolesResourceId, actionName: 'new' });
  return (
    <MessageBox variant="info" mb="default" data-testid="no-roles-yet">
      <Text>
        No roles yet. A token needs at least one role, which says what it may do.{' '}
        <Link href={newRoleUrl} data-testid="add-role-link">
          Add a role
        </Link>{' '}
        (super admins), or declare roles in the plugin's <code>roles</code> option.
      </Text>
    </MessageBox>
  );
};

export default NoRolesYet;
