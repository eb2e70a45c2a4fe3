import React, { useEffect, useState } from 'react';
import { List, Show, type ActionProps } from 'adminjs';
import { pageFormInfo, type FormInfo } from './api';
import Guidance from './Guidance';

/** The token resource's create action serves the guidance to every plugin screen. */
const TOKEN_RESOURCE_ID = 'ApiToken';

/** The API base URL and token best practice, above what it wraps. */
export const GuidanceAbove: React.FC<{ children: React.ReactNode }> = ({ children }) => {
  const [form, setForm] = useState<FormInfo | null>(null);
  useEffect(() => {
    pageFormInfo(TOKEN_RESOURCE_ID).then(setForm, () => setForm(null));
  }, []);
  return (
    <>
      {form ? <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed /> : null}
      {children}
    </>
  );
};

/**
 * AdminJS's own list and show pages with the API base URL and token best practice above them,
 * so that every API Access screen carries them.
 */
const GuidedAction: React.FC<ActionProps> = (props) => {
  const Inner = props.action.name === 'show' ? Show : List;
  return (
    <GuidanceAbove>
      <Inner {...props} />
    </GuidanceAbove>
  );
};

export default GuidedAction;
