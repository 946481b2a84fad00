import type { ChangeEvent } from 'react';
import type { FormSetting } from '../state/formSchema.ts';

interface Props {
  setting: FormSetting<string, number>;
  value: number;
  onChange: (value: number) => void;
  disabled?: boolean;
  testId?: string;
  className?: string;
}

/**
 * A number input for one row of a view's settings table: its label, bounds and step are the
 * table's (the link's rules). Uncontrolled, so a value can be typed digit by digit; only a value
 * the table accepts reaches the store, and a new stored value (a link, a lesson) resets the input.
 */
export function SettingInput({ setting, value, onChange, disabled, testId, className = 'field compact' }: Props) {
  const { label, field, step, hint } = setting;
  const { min, max, integer } = field.range!;
  const change = (e: ChangeEvent<HTMLInputElement>) => {
    const v = field.parse(e.target.value);
    if (v !== null) onChange(v);
  };
  return (
    <label className={className} title={hint}>
      <span>{label}</span>
      <input
        type="number"
        data-testid={testId}
        defaultValue={String(value)}
        key={String(value)}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        disabled={disabled}
        onChange={change}
      />
    </label>
  );
}
