Feature: Disabling enforcement
  Clearing the enforcement box does NOT turn off MFA for the practice's users:
  whoever set MFA up keeps it until an account holder resets it for them.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic
    And Riverside Clinic enforces MFA for all users
    And Erin has set up MFA with her phone

  Rule: Switching enforcement off un-enrolls nobody

    @DIS-01 @documented
    Example: Erin keeps her MFA when Dana stops enforcing it
      When Dana stops enforcing MFA for all users
      Then Practice Security Settings show MFA not enforced
      And Erin's MFA status in User Settings is enrolled with "Erin's phone"
      When Erin signs in with her password
      Then Erin is asked for a code from her authenticator

    @DIS-01 @REC-03 @documented
    Example: A user who never set up MFA signs in directly once enforcement is off
      Given Frank is a user of Riverside Clinic
      When Dana stops enforcing MFA for all users
      And Frank signs in with his password
      Then Frank is signed in

  Rule: Only a reset ends a user's MFA

    @DIS-02 @MGT-05 @documented
    Example: Dana resets Erin's MFA after switching enforcement off
      Given Dana stops enforcing MFA for all users
      When Dana resets Erin's MFA
      Then Erin's MFA status in User Settings is not enrolled
      When Erin signs in with her password
      Then Erin is signed in

    @DIS-20 @interpreted
    Example: Deleting the entry from the phone does not end MFA on the account
      Given Dana stops enforcing MFA for all users
      When Erin deletes Riverside Clinic's entry from her phone's authenticator app
      Then Erin's MFA status in User Settings is enrolled with "Erin's phone"
      When Erin signs in with her password
      Then Erin is asked for a code from her authenticator
